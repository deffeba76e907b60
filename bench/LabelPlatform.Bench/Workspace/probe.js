// Installed in every page the workspace benchmark opens (Playwright's addInitScript). Times are taken
// in the page with performance.now(), so Playwright's own round trips are not part of them.
(() => {
  const bench = (window.__lpBench = {});

  // ---- submit to next ------------------------------------------------------------------------------
  // armNext() before the digit and Enter are pressed; waitNext() resolves once the next item's image is
  // on the page and loaded: ms from the Enter keydown to then, paintedMs to the frame after it, and
  // changedMs to the moment the page showed the new item's id (the server's part, before the image).
  let next = null;
  bench.armNext = () => {
    const before = document.querySelector("img[data-assignment]")?.getAttribute("data-assignment") ?? null;
    let enterAt = null;
    let changedAt = null;
    let observer = null;
    let timer = 0;
    const onKey = (e) => {
      if (e.key === "Enter" && enterAt === null) enterAt = performance.now();
    };
    const stop = () => {
      observer?.disconnect();
      clearTimeout(timer);
      window.removeEventListener("keydown", onKey, true);
    };
    next = new Promise((resolve, reject) => {
      const shown = (item) => {
        const loadedAt = performance.now();
        requestAnimationFrame(() => {
          stop();
          resolve({ before, item, ms: loadedAt - enterAt, paintedMs: performance.now() - enterAt, changedMs: changedAt - enterAt });
        });
      };
      const check = () => {
        const img = document.querySelector("img[data-assignment]");
        const item = img?.getAttribute("data-assignment");
        if (enterAt === null || !img || item === before) return;
        changedAt = performance.now();
        observer.disconnect();
        if (img.complete && img.naturalWidth > 0) {
          shown(item);
        } else {
          img.addEventListener("load", () => shown(item), { once: true });
          img.addEventListener("error", () => { stop(); reject(new Error(`image of item ${item} failed to load`)); }, { once: true });
        }
      };
      window.addEventListener("keydown", onKey, true);
      observer = new MutationObserver(check);
      observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-assignment", "src"] });
      timer = setTimeout(() => { stop(); reject(new Error(`no new item within 30 s after item ${before}`)); }, 30000);
    });
    next.catch(() => {}); // reported by waitNext
    return before;
  };
  bench.waitNext = () => next;

  // ---- box editor ------------------------------------------------------------------------------------
  // The editor module leaves its instance on its host element (box-editor.js, create()).
  const editor = () => document.querySelector(".lp-box-editor")?.__boxEditor ?? null;
  bench.editorReady = () => {
    const e = editor();
    if (!e) return false;
    // The served image has arrived (the editor redraws its image layer on load).
    return performance.getEntriesByType("resource").some((r) => r.name.includes("/work/files/") && r.responseEnd > 0);
  };

  // Where to press to pick up a box: the centre of a box that a press there picks (no smaller box
  // covers it), big enough on screen that the centre is far from its edges, near the middle of the view.
  bench.boxTarget = () => {
    const e = editor();
    const host = document.querySelector(".lp-box-editor");
    const rect = host.getBoundingClientRect();
    const boxes = e.getBoxes();
    const view = e.getView();
    const centre = (b) => [b.x + b.w / 2, b.y + b.h / 2];
    // The editor picks the smallest box within 2 CSS px of the press; keep twice that clear.
    const slack = 4 / view.zoom;
    const covered = (i) => {
      const [cx, cy] = centre(boxes[i]);
      const area = boxes[i].w * boxes[i].h;
      return boxes.some((o, j) => j !== i && o.w * o.h <= area &&
        cx >= o.x - slack && cx <= o.x + o.w + slack && cy >= o.y - slack && cy <= o.y + o.h + slack);
    };
    let index = -1;
    let best = Infinity;
    boxes.forEach((b, i) => {
      if (b.w * view.zoom < 40 || b.h * view.zoom < 40 || covered(i)) return;
      const c = e.imageToHost(...centre(b));
      const distance = Math.hypot(c.x - view.width / 2, c.y - view.height / 2);
      if (distance < best) { best = distance; index = i; }
    });
    if (index < 0) throw new Error("no box big enough to pick up without touching another");
    const b = boxes[index];
    const c = e.imageToHost(...centre(b));
    return {
      index, boxes: boxes.length, zoom: view.zoom, width: view.width, height: view.height, boxX: b.x, boxY: b.y,
      x: rect.left + host.clientLeft + c.x, y: rect.top + host.clientTop + c.y,
      screenW: b.w * view.zoom, screenH: b.h * view.zoom,
    };
  };

  // Frame times from the editor itself (the work inside its requestAnimationFrame callback), and from
  // a loop of our own beside it: the interval between frames, and each frame's main-thread work from
  // its first rAF callback (ours, registered a frame ahead of the editor's) to a message posted there,
  // which runs once the frame's style, layout, paint and canvas flush are done.
  let intervals = null;
  let rendering = null;
  let raf = 0;
  bench.startFrames = () => {
    editor().stats(true);
    intervals = [];
    rendering = [];
    const channel = new MessageChannel();
    channel.port1.onmessage = (m) => rendering?.push(performance.now() - m.data);
    let last = 0;
    const tick = (t) => {
      if (last) intervals.push(t - last);
      last = t;
      channel.port2.postMessage(performance.now());
      raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
  };
  bench.stopFrames = () => {
    cancelAnimationFrame(raf);
    const e = editor();
    const selected = e.getSelected();
    const box = e.getBoxes()[selected];
    const out = { stats: e.stats(true), intervals, rendering, selected, boxX: box?.x ?? -1, boxY: box?.y ?? -1 };
    intervals = rendering = null;
    return out;
  };
})();
