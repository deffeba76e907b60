// Small helpers the Blazor pages call through JS interop.
window.labelPlatform = {
  // Same-origin JSON POST; the browser keeps any cookie the response sets.
  postJson: async function (url, body) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    const text = await response.text();
    return { status: response.status, body: text.length > 0 ? text : null };
  },
};
