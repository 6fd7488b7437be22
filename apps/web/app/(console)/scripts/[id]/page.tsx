import { ScriptPage } from '@/components/script-page';

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ScriptPage id={id} />;
}
