// Slack incoming webhook: POST {text, blocks} to the webhook URL; Slack answers 200 "ok".
import { alertText, postJson, type AlertChannel, type AlertMessage, type SendResult } from './channel.ts';

export class SlackChannel implements AlertChannel {
  private readonly url: string;
  constructor(webhookUrl: string) {
    this.url = webhookUrl;
  }

  send(m: AlertMessage, timeoutMs: number): Promise<SendResult> {
    const text = alertText(m);
    return postJson(
      this.url,
      { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: text.replace(/^\[(.+?)\]/, '*[$1]*') } }] },
      timeoutMs,
    );
  }
}
