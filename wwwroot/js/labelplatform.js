// Small helpers the Blazor pages call through JS interop.
window.labelPlatform = {
  // Same-origin JSON POST; the browser keeps any cookie the response sets.
  postJson: async function (url, body, antiforgery) {
    const headers = { "Content-Type": "application/json" };
    if (antiforgery) {
      // The token only this site's pages can read (see /api/account/antiforgery).
      const answer = await fetch("/api/account/antiforgery", { credentials: "same-origin", cache: "no-store" });
      headers["RequestVerificationToken"] = (await answer.json()).token;
    }
    const response = await fetch(url, {
      method: "POST",
      headers: headers,
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    const text = await response.text();
    return { status: response.status, body: text.length > 0 ? text : null };
  },
};

// The worker's unfinished answer, kept in the browser beside the server's copy: whichever was
// saved last wins when the page comes back (a reload, a lost connection).
window.labelPlatform.drafts = {
  // savedAt is the server's time of the change: a save that arrives late never replaces a newer one.
  save: function (assignmentId, json, savedAt) {
    try {
      const key = "lp-draft:" + assignmentId;
      const kept = JSON.parse(localStorage.getItem(key) || "null");
      if (kept && kept.savedAt && Date.parse(kept.savedAt) > Date.parse(savedAt)) return;
      localStorage.setItem(key, JSON.stringify({ json: json, savedAt: savedAt }));
    } catch (e) {
      // Storage full or disabled: the server's copy still holds the draft.
    }
  },
  load: function (assignmentId) {
    try {
      const raw = localStorage.getItem("lp-draft:" + assignmentId);
      return raw ? JSON.parse(raw) : null;
    } catch (e) {
      return null;
    }
  },
  clear: function (assignmentId) {
    try {
      localStorage.removeItem("lp-draft:" + assignmentId);
      // Drafts of items long gone (a lease that ran out) are cleared after a day.
      const dayAgo = Date.now() - 24 * 3600 * 1000;
      for (let i = localStorage.length - 1; i >= 0; i--) {
        const key = localStorage.key(i);
        if (key && key.startsWith("lp-draft:")) {
          const entry = JSON.parse(localStorage.getItem(key) || "{}");
          if (!entry.savedAt || Date.parse(entry.savedAt) < dayAgo) localStorage.removeItem(key);
        }
      }
    } catch (e) {
      // Nothing to clear.
    }
  },
};

// Moves keyboard focus to an element Blazor rendered (dialogs, the work area).
window.labelPlatform.focus = function (element) {
  if (element && element.focus) element.focus();
};

// The reviewers' batch view: keeps the card under the keyboard cursor in sight.
window.labelPlatform.scrollIntoView = function (selector) {
  const element = document.querySelector(selector);
  if (element) {
    element.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }
};
