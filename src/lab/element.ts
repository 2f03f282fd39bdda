// <opslab-lab lab="id" lang="en|zh">: the small loader every chapter page ships.
// It only enables the Start button of a ready lab; the runtime (Monaco, xterm,
// the worker) is a dynamic import that runs when the reader presses Start.
import { progressKey } from './keys.ts';

const resumeLabel = { en: 'Resume lab', zh: '继续实验' };
const loadingLabel = { en: 'Loading…', zh: '加载中…' };

export class OpslabLabElement extends HTMLElement {
  private started = false;

  connectedCallback(): void {
    const button = this.querySelector<HTMLButtonElement>('.opslab-start');
    const data = this.querySelector('script[data-opslab-lab]');
    if (!button || !data) return; // a planned lab: the card says it is being built
    const lang = this.lang === 'zh' ? 'zh' : 'en';
    button.disabled = false;
    try {
      if (localStorage.getItem(progressKey(this.getAttribute('lab') ?? ''))) button.textContent = resumeLabel[lang];
    } catch {
      /* storage disabled: start fresh */
    }
    button.addEventListener('click', () => void this.start(button, data, lang));
    if (this.hasAttribute('autostart')) void this.start(button, data, lang);
  }

  private async start(button: HTMLButtonElement, data: Element, lang: 'en' | 'zh'): Promise<void> {
    if (this.started) return;
    this.started = true;
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    button.textContent = loadingLabel[lang];
    this.dispatchEvent(new CustomEvent('opslab-start', { bubbles: true }));
    // Fetch the terminal alongside the runtime rather than after it.
    void import('./terminal.ts');
    const { mountLab } = await import('./runtime.ts');
    await mountLab(this, JSON.parse(data.textContent ?? '{}'), lang);
    button.hidden = true;
  }
}

if (!customElements.get('opslab-lab')) customElements.define('opslab-lab', OpslabLabElement);
