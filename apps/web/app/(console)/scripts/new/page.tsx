import { NewScript } from '@/components/new-script';

export default function NewScriptPage() {
  return <NewScript />;
}
