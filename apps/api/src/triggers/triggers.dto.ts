import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { HMAC_ALGORITHMS, HMAC_ENCODINGS, WEBHOOK_AUTH, WebhookAuth } from '@runlet/domain';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';

const AUTH_DESCRIPTION =
  "How callers authenticate: 'none', 'token' (Authorization: Bearer), 'hmac' (X-Runlet-Signature, or the " +
  'signature described by `hmac`), or a sender preset: github, stripe, standard-webhooks (Svix, GitLab signing ' +
  'tokens), slack, shopify, twilio (needs RUNLET_PUBLIC_URL), linear, discord (publicKey), gitlab (X-Gitlab-Token). ' +
  'See docs/webhooks.md.';

/** The generic `hmac` scheme's signature (checked in full by the domain's decide). */
export class HmacOptionsDto {
  @ApiProperty({ example: 'x-signature', description: 'header carrying the signature' }) header: string;
  @ApiPropertyOptional({ enum: HMAC_ALGORITHMS, default: 'sha256' }) algorithm?: string;
  @ApiPropertyOptional({ enum: HMAC_ENCODINGS, default: 'hex' }) encoding?: string;
  @ApiPropertyOptional({ example: 'sha256=', default: '', description: 'text before the signature' })
  prefix?: string;
  @ApiPropertyOptional({
    example: '{timestamp}.{body}',
    default: '{body}',
    description: 'the signed string: {body} once, optionally {timestamp} and {id}',
  })
  template?: string;
  @ApiPropertyOptional({ example: 'x-timestamp', description: 'header with the unix-seconds {timestamp}' })
  timestampHeader?: string;
  @ApiPropertyOptional({
    example: 'x-delivery-id',
    description: 'header with the {id}; also deduplicates deliveries',
  })
  idHeader?: string;
}

/** The scheme options a create or an update may carry. */
class WebhookAuthFieldsDto {
  @ApiPropertyOptional({
    description:
      'the shared secret as the sender shows it (Stripe whsec_…, Slack signing secret, Shopify app secret, ' +
      "Twilio auth token, Linear's, GitLab's token; standard-webhooks: whsec_<base64>); Runlet generates one " +
      'and answers it once when omitted',
  })
  @IsOptional()
  @IsString()
  secret?: string;
  @ApiPropertyOptional({ description: "discord: the application's Ed25519 public key, hex" })
  @IsOptional()
  @IsString()
  publicKey?: string;
  @ApiPropertyOptional({
    description: 'how far (s) a signed timestamp may be in the past or the future; default per preset',
  })
  @IsOptional()
  toleranceSeconds?: number;
  @ApiPropertyOptional({ type: HmacOptionsDto, description: "auth 'hmac' with a signature of your own" })
  @IsOptional()
  @IsObject()
  hmac?: HmacOptionsDto;
}

export class CreateTriggerDto extends WebhookAuthFieldsDto {
  @ApiProperty({ enum: ['cron', 'http'] }) @IsIn(['cron', 'http']) type: 'cron' | 'http';
  @ApiPropertyOptional({ example: '*/5 * * * *' }) @IsOptional() @IsString() schedule?: string;
  @ApiPropertyOptional({ example: 'Europe/Paris' }) @IsOptional() @IsString() timezone?: string;
  @ApiPropertyOptional() @IsOptional() input?: unknown;
  @ApiPropertyOptional({ enum: ['allow', 'skip', 'queue'] })
  @IsOptional()
  @IsIn(['allow', 'skip', 'queue'])
  overlap?: 'allow' | 'skip' | 'queue';
  @ApiPropertyOptional({ enum: ['none', 'latest'] }) @IsOptional() @IsIn(['none', 'latest']) catchUp?:
    'none' | 'latest';
  @ApiPropertyOptional({ enum: WEBHOOK_AUTH, description: AUTH_DESCRIPTION })
  @IsOptional()
  @IsIn(WEBHOOK_AUTH)
  auth?: WebhookAuth;
  @ApiPropertyOptional({ enum: ['sync', 'async'] }) @IsOptional() @IsIn(['sync', 'async']) mode?:
    'sync' | 'async';
  @ApiPropertyOptional({ description: 'called with the execution when it fails or times out' })
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  notifyUrl?: string;
}

export class UpdateTriggerDto extends WebhookAuthFieldsDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() paused?: boolean;
  @ApiPropertyOptional({
    enum: WEBHOOK_AUTH,
    description: `${AUTH_DESCRIPTION} A new scheme starts from its defaults; a secret given replaces the trigger's secrets.`,
  })
  @IsOptional()
  @IsIn(WEBHOOK_AUTH)
  auth?: WebhookAuth;
  @ApiPropertyOptional() @IsOptional() @IsString() schedule?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() timezone?: string;
  @ApiPropertyOptional() @IsOptional() input?: unknown;
  @ApiPropertyOptional() @IsOptional() @IsIn(['allow', 'skip', 'queue']) overlap?: 'allow' | 'skip' | 'queue';
  @ApiPropertyOptional() @IsOptional() @IsIn(['none', 'latest']) catchUp?: 'none' | 'latest';
  @ApiPropertyOptional() @IsOptional() @IsIn(['sync', 'async']) mode?: 'sync' | 'async';
  @ApiPropertyOptional()
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  notifyUrl?: string;
}

export class RotateSecretDto {
  @ApiPropertyOptional({ description: 'how long the old secret stays valid', default: 3600 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(7 * 24 * 3600)
  graceSeconds?: number;
}

export class AddTriggerSecretDto {
  @ApiPropertyOptional({
    description: 'the new secret as the sender shows it; generated (and answered once) when omitted',
  })
  @IsOptional()
  @IsString()
  secret?: string;
}

export class RunTriggerDto {
  @ApiPropertyOptional() @IsOptional() input?: unknown;
}
