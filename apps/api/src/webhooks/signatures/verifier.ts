import { GenericHmacOptions, toleranceOf, WebhookAuth } from '@runlet/domain';
import { verifyDiscord, discordPublicKey } from './discord';
import { compileTemplate, verifyGenericHmac } from './generic-hmac';
import { verifyGithub } from './github';
import { verifyGitlab } from './gitlab';
import { verifyLinear } from './linear';
import { verifyBearerToken, verifyRunletSignature } from './runlet';
import { verifyShopify } from './shopify';
import { verifySlack } from './slack';
import { verifyStandardWebhooks } from './standard-webhooks';
import { verifyStripe } from './stripe';
import { verifyTwilio } from './twilio';
import { ok, SignedRequest, Verification, VerifierKeys } from './verification';

/** A trigger's verification, ready to run: keys decrypted and parsed once, when the trigger is loaded. */
export type Verifier = (req: SignedRequest, nowSeconds: number) => Verification;

export interface VerifierSettings {
  auth: WebhookAuth;
  toleranceSeconds: number | null;
  hmac: GenericHmacOptions | null;
  publicKey: string | null;
}

export function compileVerifier(settings: VerifierSettings, keys: VerifierKeys): Verifier {
  const hmacOptions = settings.hmac ?? undefined;
  const tolerance = toleranceOf(settings.auth, hmacOptions, settings.toleranceSeconds ?? undefined) ?? 0;
  switch (settings.auth) {
    case 'none':
      return () => ok();
    case 'token':
      return (req) => verifyBearerToken(req, keys);
    case 'hmac': {
      if (!hmacOptions) return (req, now) => verifyRunletSignature(req, keys, now, tolerance);
      const template = compileTemplate(hmacOptions.template);
      return (req, now) => verifyGenericHmac(req, keys, hmacOptions, template, now, tolerance);
    }
    case 'github':
      return (req) => verifyGithub(req, keys);
    case 'stripe':
      return (req, now) => verifyStripe(req, keys, now, tolerance);
    case 'standard-webhooks':
      return (req, now) => verifyStandardWebhooks(req, keys, now, tolerance);
    case 'slack':
      return (req, now) => verifySlack(req, keys, now, tolerance);
    case 'shopify':
      return (req) => verifyShopify(req, keys);
    case 'twilio':
      return (req) => verifyTwilio(req, keys);
    case 'linear':
      return (req, now) => verifyLinear(req, keys, now, tolerance);
    case 'discord': {
      const key = discordPublicKey(settings.publicKey!);
      return (req, now) => verifyDiscord(req, key, now, tolerance);
    }
    case 'gitlab':
      return (req) => verifyGitlab(req, keys);
  }
}
