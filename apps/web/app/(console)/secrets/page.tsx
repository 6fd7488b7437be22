import { SecretsPage } from '@/components/secrets-page';

export default function Page() {
  return <SecretsPage />;
}
