// Images returned with an answer, as a row of small thumbnails under it. The webview never loads a
// remote resource (the CSP allows only 'self', data: and blob: images): each picture is fetched by
// the backend (image_fetch) once its thumbnail comes near the view, and shown from the data: URL
// it returns. The backend is asked for "image n of answer m", never for a URL: it fetches the URL
// the answer came with, so a script in this page cannot point it anywhere. A thumbnail that comes
// into view before the answer has its id (the chat_send receipt can come after the first events)
// waits for it. An image that cannot be fetched, or is not a picture, is simply left out. A
// thumbnail is a link to the page the image came from (else to the image), which the document's
// link guard (lib/links.js) opens in the system browser. Image URLs come from the model: only http(s)
// ones are shown or linked.

import { imageFetch } from '../ipc/ipc.js';
import { hostOf, isWebUrl } from '../lib/links.js';

/** @typedef {import('../ipc/ipc.js').Image} Image */

/** At most this many thumbnails per answer. */
const MAX_IMAGES = 8;
/** What the backend may hand back; anything else is not put in an <img>. */
const DATA_URL = /^data:image\/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]+$/;
/** Thumbnail height in CSS pixels; widths follow the image, within bounds. */
const HEIGHT = 88;
const MIN_WIDTH = 56;
const MAX_WIDTH = 176;

/** @type {IntersectionObserver | null} */
let observer = null;
/** Thumbnail → its loader, run once when it comes near the view. */
const pending = new WeakMap();

function watch(/** @type {HTMLElement} */ item, /** @type {() => void} */ load) {
  if (typeof IntersectionObserver === 'undefined') {
    load();
    return;
  }
  observer ??= new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      observer?.unobserve(entry.target);
      const run = pending.get(entry.target);
      pending.delete(entry.target);
      run?.();
    }
  }, { rootMargin: '240px 0px' });
  pending.set(item, load);
  observer.observe(item);
}

/**
 * Width for a thumbnail of the given size, HEIGHT pixels tall.
 * @param {number | null | undefined} width
 * @param {number | null | undefined} height
 * @returns {number | null}
 */
function widthFor(width, height) {
  if (!width || !height || !(width > 0 && height > 0)) return null;
  return Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, (HEIGHT * width) / height)));
}

export class Gallery {
  constructor() {
    this.el = document.createElement('ul');
    this.el.className = 'answer-gallery';
    this.el.setAttribute('aria-label', 'Images');
    this.el.dataset.testid = 'answer-gallery';
    this.el.hidden = true;
    /** @type {Set<string>} URLs shown or being fetched, so repeats are left out */
    this.urls = new Set();
    /** @type {string | null} the answer's message id, once saved */
    this.messageId = null;
    /** @type {(() => void)[]} loads waiting for the message id */
    this.waiting = [];
  }

  /**
   * The id of the answer these images belong to (image_fetch names images by it).
   * @param {string} id
   */
  setMessage(id) {
    if (typeof id !== 'string' || !id) return;
    this.messageId = id;
    for (const load of this.waiting.splice(0)) load();
  }

  /**
   * Add images (the backend repeats lists as they grow; URLs already here are skipped).
   * @param {unknown} images
   */
  add(images) {
    if (!Array.isArray(images)) return;
    for (const [index, image] of images.entries()) {
      if (this.urls.size >= MAX_IMAGES) break;
      const url = typeof image?.url === 'string' ? image.url.trim() : '';
      if (!isWebUrl(url) || this.urls.has(url)) continue;
      this.urls.add(url);
      this.el.append(this.thumbnail(/** @type {Image} */ (image), url, index));
      this.el.hidden = false;
    }
  }

  /** @param {Image} image @param {string} url @param {number} index its place in the answer's list */
  thumbnail(image, url, index) {
    const item = document.createElement('li');
    item.className = 'gallery-cell is-loading';
    const origin = isWebUrl(image.originUrl) ? image.originUrl : url;
    const link = document.createElement('a');
    link.className = 'gallery-item';
    link.dataset.testid = 'answer-image';
    link.setAttribute('href', origin);
    link.setAttribute('rel', 'noopener noreferrer');
    const host = hostOf(origin);
    link.setAttribute('aria-label', `Image from ${host} (opens ${host} in the browser)`);
    link.title = host;
    const width = widthFor(Number(image.width), Number(image.height));
    if (width) link.style.width = `${width}px`;
    const img = document.createElement('img');
    img.alt = '';
    img.decoding = 'async';
    link.append(img);
    item.append(link);
    watch(item, () => {
      const load = () => this.load(item, img, link, index);
      if (this.messageId) load();
      else this.waiting.push(load);
    });
    return item;
  }

  /** @param {HTMLElement} item @param {HTMLImageElement} img @param {HTMLElement} link @param {number} index */
  async load(item, img, link, index) {
    const drop = () => {
      item.remove();
      if (this.el.childElementCount === 0) this.el.hidden = true;
    };
    try {
      const data = await imageFetch(/** @type {string} */ (this.messageId), index);
      if (typeof data?.dataUrl !== 'string' || !DATA_URL.test(data.dataUrl)) throw new Error('not an image');
      img.src = data.dataUrl;
      await img.decode().catch(() => {});
      if (!img.naturalWidth) throw new Error('undecodable');
      link.style.width = `${widthFor(img.naturalWidth, img.naturalHeight) ?? HEIGHT}px`;
      item.classList.remove('is-loading');
    } catch {
      drop();
    }
  }
}
