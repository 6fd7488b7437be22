import { ExecutionsList } from '@/components/executions-list';

export default async function Page({ searchParams }: { searchParams: Promise<{ scriptId?: string }> }) {
  const { scriptId } = await searchParams;
  return <ExecutionsList scriptId={scriptId} />;
}
