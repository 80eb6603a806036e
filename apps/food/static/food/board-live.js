/* The kitchen board and the rider page (apps/food/templates/admin/food/board.html), part 1
   of 3: what keeps the page live. Loaded first, it sets up the namespace the other two
   share (window.FoodBoard): the page's config and data, small helpers, the sound, and the
   poll of the feed.

   The page is drawn from the data it starts with (board.js), then the feed is polled every
   second with the last ETag (304 while nothing changed); a failed poll is retried with a
   short back-off, so the page carries on by itself across a restart of the web server. New
   orders are announced with a beep once someone turned the sound on (browsers only allow
   audio after a tap). Every word comes from the page's config (translated). */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("food-config").textContent);
  const kitchen = config.mode === "kitchen";
  const B = window.FoodBoard = {
    config: config,
    T: config.texts,
    root: document.getElementById("food-board"),
    kitchen: kitchen,
    watched: kitchen ? "placed" : "ready", // the column whose newcomers are announced
    data: JSON.parse(document.getElementById("food-data").textContent), // replaced by each new feed
    etag: config.etag, // "" forces the next poll to fetch the board again
  };
  const T = B.T;
  let clockOffset = 0;
  let failures = 0;
  let signedOut = false;
  let lastBeep = 0;

  // --- small helpers --------------------------------------------------------------------

  function fmt(text, values) {
    return String(text).replace(/%\((\w+)\)s/g, (match, key) => (key in values ? values[key] : match));
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function icon(name) {
    return el("span", {class: "material-symbols-outlined md-18", "aria-hidden": "true", text: name});
  }

  function now() { return Date.now() + clockOffset; }

  function syncClock(serverNow) {
    const server = Date.parse(serverNow);
    if (!Number.isNaN(server)) clockOffset = server - Date.now();
  }

  function mmss(ms) {
    const total = Math.max(0, Math.round(ms / 1000));
    return Math.floor(total / 60) + ":" + String(total % 60).padStart(2, "0");
  }

  function minutes(ms) { return Math.max(0, Math.round(ms / 60000)); }

  function money(total) {
    if (!total) return "";
    try {
      const format = new Intl.NumberFormat(config.language, {style: "currency", currency: total.currency});
      const digits = format.resolvedOptions().maximumFractionDigits;
      return format.format(total.amount / Math.pow(10, digits));
    } catch (error) {
      return total.amount + " " + total.currency;
    }
  }

  // --- sound ------------------------------------------------------------------------------

  let audio = null;
  let soundWanted = false;
  try { soundWanted = localStorage.getItem("food.sound") === "on"; } catch (error) { /* private mode */ }
  const soundButton = document.getElementById("food-sound");

  function audioRunning() { return audio !== null && audio.state === "running"; }

  function wakeAudio() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    if (audio === null) audio = new Context();
    if (audio.state === "suspended") audio.resume().then(drawSound, drawSound);
  }

  function beep() {
    if (!soundWanted || !audioRunning()) return;
    lastBeep = Date.now();
    const start = audio.currentTime;
    [[880, 0], [1320, 0.18], [880, 0.36]].forEach(([pitch, at]) => {
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.type = "sine";
      tone.frequency.value = pitch;
      gain.gain.setValueAtTime(0.0001, start + at);
      gain.gain.exponentialRampToValueAtTime(0.4, start + at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + at + 0.16);
      tone.connect(gain).connect(audio.destination);
      tone.start(start + at);
      tone.stop(start + at + 0.17);
    });
  }

  // A reminder while orders wait: at most one beep every 20 seconds.
  function remind() {
    if (soundWanted && Date.now() - lastBeep > 20000) beep();
  }

  function drawSound() {
    const on = soundWanted && audioRunning();
    soundButton.setAttribute("aria-pressed", on ? "true" : "false");
    soundButton.classList.toggle("is-on", on);
    soundButton.classList.toggle("is-waiting", soundWanted && !on);
    soundButton.querySelector(".material-symbols-outlined").textContent = on ? "volume_up" : "volume_off";
    soundButton.querySelector(".food-bar-label").textContent =
      on ? T.sound_on : (soundWanted ? T.sound_tap : T.sound_off);
  }

  soundButton.addEventListener("click", () => {
    if (soundWanted && audioRunning()) {
      soundWanted = false;
    } else {
      soundWanted = true;
      wakeAudio();
      setTimeout(() => { drawSound(); beep(); }, 50);
    }
    try { localStorage.setItem("food.sound", soundWanted ? "on" : "off"); } catch (error) { /* private mode */ }
    drawSound();
  });
  // The first tap anywhere lets a wanted sound play again after a reload.
  document.addEventListener("pointerdown", () => { if (soundWanted && !audioRunning()) wakeAudio(); }, true);

  // --- polling ----------------------------------------------------------------------------------

  function feedUrl() {
    return config.feed + (config.chosen ? "?branch=" + encodeURIComponent(config.chosen) : "");
  }

  function connection(state) {
    const box = document.getElementById("food-connection");
    box.dataset.state = state;
    box.querySelector(".food-connection-text").textContent =
      state === "live" ? T.live : (state === "signed-out" ? T.signed_out : T.reconnecting);
  }

  let polling = false;
  let again = false;
  let timer = null;

  async function poll() {
    if (polling) {
      again = true; // a change was just posted: ask once more when this poll ends
      return;
    }
    polling = true;
    clearTimeout(timer);
    let delay = config.poll_ms;
    try {
      const response = await fetch(feedUrl(), {
        credentials: "same-origin", cache: "no-store",
        headers: {"Accept": "application/json", "If-None-Match": B.etag}});
      const json = (response.headers.get("Content-Type") || "").includes("application/json");
      if (response.status === 304) {
        failures = 0;
      } else if (response.ok && json) {
        B.etag = response.headers.get("ETag") || "";
        B.data = await response.json();
        syncClock(B.data.now);
        failures = 0;
        B.render();
      } else if (response.redirected || (response.ok && !json) || response.status === 403) {
        signedOut = true;
        delay = 5000;
      } else {
        failures += 1;
      }
    } catch (error) {
      failures += 1; // the server is away (a restart): try again shortly
    }
    if (failures) delay = Math.min(5000, config.poll_ms * Math.pow(2, failures - 1));
    connection(signedOut ? "signed-out" : (failures > 1 ? "reconnecting" : "live"));
    signedOut = false;
    polling = false;
    timer = setTimeout(poll, again ? 0 : delay);
    again = false;
  }

  // The first poll, once the page is drawn (board.js).
  function startPolling() {
    timer = setTimeout(poll, config.poll_ms);
  }

  Object.assign(B, {fmt, el, icon, now, syncClock, mmss, minutes, money, beep, remind, drawSound, poll,
                    startPolling});
})();
