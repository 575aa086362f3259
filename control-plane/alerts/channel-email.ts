// Email over SMTP with nodemailer. SMTP 4xx replies and connection failures are transient; 5xx
// replies (unknown mailbox, relay denied) are not.
import nodemailer, { type Transporter } from 'nodemailer';
import type { ChannelConfig } from './alert-route.ts';
import { alertText, type AlertChannel, type AlertMessage, type SendResult } from './channel.ts';

type EmailConfig = Extract<ChannelConfig, { type: 'email' }>;

export class EmailChannel implements AlertChannel {
  private readonly config: EmailConfig;
  private transport: Transporter | undefined;
  private timeoutMs = 0;

  constructor(config: EmailConfig) {
    this.config = config;
  }

  private transporter(timeoutMs: number): Transporter {
    if (!this.transport || this.timeoutMs !== timeoutMs) {
      this.transport?.close();
      const c = this.config;
      this.transport = nodemailer.createTransport({
        host: c.host,
        port: c.port,
        secure: c.secure,
        ignoreTLS: c.ignoreTls,
        ...(c.user ? { auth: { user: c.user, pass: c.pass ?? '' } } : {}),
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs,
      });
      this.timeoutMs = timeoutMs;
    }
    return this.transport;
  }

  async send(m: AlertMessage, timeoutMs: number): Promise<SendResult> {
    const e = m.event;
    const subject = `[Palisade ${e.resolves ? 'RESOLVED' : e.severity.toUpperCase()}] ${e.summary}`.slice(0, 200);
    try {
      await this.transporter(timeoutMs).sendMail({
        from: this.config.from,
        to: this.config.to,
        subject,
        text: alertText(m),
        headers: { 'X-Palisade-Dedup-Key': e.dedupKey },
      });
      return { ok: true, retryable: false };
    } catch (err) {
      const code = (err as { responseCode?: number }).responseCode;
      return {
        ok: false,
        ...(code ? { status: code } : {}),
        retryable: code === undefined || code < 500,
        error: (err as Error).message.slice(0, 300),
      };
    }
  }

  close(): void {
    this.transport?.close();
    this.transport = undefined;
  }
}
