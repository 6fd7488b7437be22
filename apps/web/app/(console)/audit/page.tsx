import { AuditView } from '@/components/audit-view';
import { CausationChain } from '@/components/causation-chain';

type Params = { scriptId?: string; chain?: string; correlationId?: string };

export default async function Page({ searchParams }: { searchParams: Promise<Params> }) {
  const p = await searchParams;
  if (p.chain) return <CausationChain streamId={p.chain} />;
  return <AuditView scriptId={p.scriptId} correlationId={p.correlationId} />;
}
