import { ScriptsList } from '@/components/scripts-list';

export default function ScriptsPage() {
  return <ScriptsList />;
}
