/** A one-line progress bar on standard error; silent when stderr is not a terminal. */
export class ProgressBar {
  private lastDraw = 0;
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(
    private readonly label: string,
    private readonly total: number,
  ) {}

  update(current: number, note = ''): void {
    if (!this.tty) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && current < this.total) return;
    this.lastDraw = now;
    const fraction = this.total > 0 ? Math.min(1, current / this.total) : 1;
    const width = 30;
    const filled = Math.round(fraction * width);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
    process.stderr.write(`\r${this.label} [${bar}] ${(fraction * 100).toFixed(0).padStart(3)}% ${note}`);
  }

  done(): void {
    if (this.tty) process.stderr.write('\n');
  }
}
