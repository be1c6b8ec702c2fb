/** An error answer from a Marquee server: problem+json on /api/v1, `{"error"}` on OIP. */
export class MarqueeApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'MarqueeApiError';
  }

  static async from(res: Response): Promise<MarqueeApiError> {
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {}
    const b = body as { detail?: string; error?: string; title?: string } | undefined;
    const message = b?.detail ?? b?.error ?? b?.title ?? (text || res.statusText);
    return new MarqueeApiError(res.status, `${res.status} ${message}`, body);
  }
}
