// A short, quiet tone when a scan or payment fails, so a cashier looking at
// the customer notices. Silently does nothing where Web Audio is missing.

type AudioContextCtor = new () => AudioContext;
let context: AudioContext | null = null;

export function errorBeep(): void {
  try {
    const w = window as unknown as { AudioContext?: AudioContextCtor; webkitAudioContext?: AudioContextCtor };
    const Ctor = w.AudioContext ?? w.webkitAudioContext;
    if (!Ctor) return;
    context ??= new Ctor();
    const osc = context.createOscillator();
    const gain = context.createGain();
    osc.type = 'square';
    osc.frequency.value = 330;
    gain.gain.value = 0.04;
    osc.connect(gain).connect(context.destination);
    osc.start();
    osc.stop(context.currentTime + 0.18);
  } catch {
    // Sound is a nicety; never let it break the till.
  }
}
