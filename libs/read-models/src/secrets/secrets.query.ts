export interface SecretView {
  name: string;
  version: number;
  updatedAt: string;
  updatedBy: string | null;
}

export class SecretsQuery {
  constructor(private readonly db: { query(sql: string, p?: unknown[]): Promise<any[]> }) {}

  async list(): Promise<SecretView[]> {
    return (await this.db.query(`SELECT * FROM rm_secrets ORDER BY name`)).map((row: any) => ({
      name: row.name,
      version: Number(row.version),
      updatedAt: new Date(row.updated_at).toISOString(),
      updatedBy: row.updated_by,
    }));
  }
}
