// Camera scanning, where the browser has BarcodeDetector (Chrome on Android, ChromeOS and
// macOS; not desktop Linux or Firefox): the camera's picture in a <video>, a few frames a
// second handed to the detector, and each QR code's text given to `onCode`. Everywhere
// else the page offers the code field only, which a handheld scanner types into.

const SCAN_EVERY_MS = 150;

/** Whether this browser can scan QR codes with a camera (a secure context is needed). */
export async function cameraScanningSupported() {
  if (typeof globalThis.BarcodeDetector !== 'function') return false;
  if (!globalThis.isSecureContext || !navigator.mediaDevices?.getUserMedia) return false;
  try {
    const formats = await globalThis.BarcodeDetector.getSupportedFormats();
    return formats.includes('qr_code');
  } catch {
    return false;
  }
}

/** Words for a camera that would not start. */
export function cameraErrorMessage(err) {
  switch (err && err.name) {
    case 'NotAllowedError':
      return 'The camera may not be used. Allow it in the browser, or type the code.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No camera was found. Type the code, or use a handheld scanner.';
    case 'NotReadableError':
      return 'The camera is in use by another program. Close it and try again.';
    default:
      return 'The camera could not be started. Type the code instead.';
  }
}

/** {start(), stop(), running()} for the camera shown in `video`. */
export function createCamera(video, onCode) {
  let stream = null;
  let timer = 0;
  let detecting = false;
  let detector = null;
  let generation = 0; // bumped by stop(): a camera that opens after it is closed at once

  async function scanFrame() {
    // A slow detector must not pile up calls; a frame not decoded yet is just skipped.
    if (detecting || !stream || video.readyState < 2) return;
    detecting = true;
    try {
      const found = await detector.detect(video);
      const code = found.find((c) => typeof c.rawValue === 'string' && c.rawValue !== '');
      if (code && stream) onCode(code.rawValue);
    } catch {
      // A frame the detector could not read (e.g. while the video resizes): try the next.
    } finally {
      detecting = false;
    }
  }

  function stop() {
    generation += 1;
    clearInterval(timer);
    timer = 0;
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.srcObject = null;
  }

  async function start() {
    if (stream) return;
    const mine = ++generation;
    detector = new globalThis.BarcodeDetector({ formats: ['qr_code'] });
    const s = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: { ideal: 'environment' } }, audio: false,
    });
    if (mine !== generation) {
      s.getTracks().forEach((track) => track.stop());
      return;
    }
    stream = s;
    video.srcObject = s;
    try {
      await video.play();
    } catch (err) {
      stop();
      throw err;
    }
    timer = setInterval(scanFrame, SCAN_EVERY_MS);
  }

  return { start, stop, running: () => stream !== null };
}
