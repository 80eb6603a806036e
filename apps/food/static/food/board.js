/* The kitchen board and the rider page (apps/food/templates/admin/food/board.html).

   Draws the board from the data the page starts with, then polls the feed every second
   with the last ETag (304 while nothing changed); a failed poll is retried with a short
   back-off, so the page carries on by itself across a restart of the web server. New
   orders are highlighted and, once someone turned the sound on (browsers only allow
   audio after a tap), announced with a beep. Buttons post to the admin's own endpoints
   with the session's CSRF token; every word comes from the page's config (translated). */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("food-config").textContent);
  const T = config.texts;
  const root = document.getElementById("food-board");
  const kitchen = config.mode === "kitchen";
  const watched = kitchen ? "placed" : "ready"; // the column whose newcomers are announced
  let data = JSON.parse(document.getElementById("food-data").textContent);
  let etag = config.etag;
  let clockOffset = 0;
  let seen = null; // order ids already shown (null before the first drawing)
  const freshUntil = new Map(); // order id -> when its "new" flash ends
  let activeTab = null;
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

  let toastTimer = null;
  function toast(message) {
    const box = document.getElementById("food-toast");
    box.textContent = message;
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { box.hidden = true; }, 6000);
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

  // --- posting --------------------------------------------------------------------------------

  async function post(url, fields) {
    const response = await fetch(url, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: {"X-CSRFToken": config.csrf, "Accept": "application/json"},
      body: new URLSearchParams(fields),
    });
    let body = null;
    try { body = await response.json(); } catch (error) { body = null; }
    if (!response.ok || body === null) {
      const message = body && body.error ? body.error.message : response.status + " " + response.statusText;
      const problem = new Error(message);
      problem.details = body && body.error ? body.error.details : {};
      throw problem;
    }
    return body;
  }

  async function act(button, url, fields) {
    if (button) button.disabled = true;
    try {
      await post(url, fields);
      etag = "";
      await poll();
    } catch (error) {
      toast(fmt(T.failed, {message: error.message}));
      if (button) button.disabled = false;
      etag = "";
      poll();
      throw error;
    }
  }

  // --- dialogs --------------------------------------------------------------------------------

  const dialog = document.getElementById("food-dialog");

  function openDialog(title, body, actions) {
    document.getElementById("food-dialog-title").textContent = title;
    document.getElementById("food-dialog-body").replaceChildren(...body);
    document.getElementById("food-dialog-actions").replaceChildren(
      el("button", {type: "button", class: "food-button ghost", onclick: () => dialog.close(), text: T.back}),
      ...actions);
    showDialogError("");
    dialog.showModal();
  }

  function showDialogError(message) {
    const box = document.getElementById("food-dialog-error");
    box.textContent = message;
    box.hidden = !message;
  }

  function submitIn(button, fields) {
    act(button, config.step, fields).then(() => dialog.close(), (error) => showDialogError(error.message));
  }

  function acceptDialog(ticket) {
    const branch = data.branches.find((entry) => entry.id === ticket.branch) || {};
    const usual = branch.prep_minutes || 20;
    const choices = Array.from(new Set([...config.quick_minutes, usual])).sort((a, b) => a - b);
    const quick = el("div", {class: "food-minutes"}, choices.map((value) => el("button", {
      type: "button", class: "food-button minutes" + (value === usual ? " usual" : ""), "data-minutes": value,
      onclick: (event) => submitIn(event.currentTarget, {order: ticket.order, to: "accepted", minutes: value})},
      el("strong", {text: fmt(T.minutes_short, {minutes: value})}),
      value === usual ? el("small", {text: T.usual}) : null)));
    const other = el("input", {type: "number", min: "1", max: "240", inputmode: "numeric", id: "food-minutes-other",
                               value: usual});
    openDialog(fmt(T.accept_title, {number: ticket.number}), [
      el("p", {class: "food-dialog-question", text: T.accept_question}), quick,
      el("label", {class: "food-field", for: "food-minutes-other"}, T.other_minutes, other),
    ], [el("button", {type: "button", class: "food-button primary", id: "food-accept-other", text: T.accept,
                      onclick: (event) => submitIn(event.currentTarget,
                                                   {order: ticket.order, to: "accepted", minutes: other.value})})]);
  }

  function reasonDialog(ticket, target) {
    const rejecting = target === "rejected";
    const reason = el("textarea", {id: "food-reason", rows: "3", required: true, maxlength: "500"});
    openDialog(fmt(rejecting ? T.reject_title : T.cancel_title, {number: ticket.number}), [
      el("label", {class: "food-field", for: "food-reason"}, T.reason, reason),
      el("p", {class: "food-muted", text: T.reason_help}),
    ], [el("button", {type: "button", class: "food-button danger", id: "food-reason-confirm",
                      text: rejecting ? T.confirm_reject : T.confirm_cancel, onclick: (event) => {
                        if (!reason.value.trim()) { showDialogError(T.reason_missing); reason.focus(); return; }
                        submitIn(event.currentTarget, {order: ticket.order, to: target, reason: reason.value});
                      }})]);
    setTimeout(() => reason.focus(), 30);
  }

  function pauseDialog(branch) {
    openDialog(T.pause, [el("p", {text: fmt(T.pause_confirm, {branch: branch.name})})], [
      el("button", {type: "button", class: "food-button danger", id: "food-pause-confirm", text: T.pause,
                    onclick: (event) => act(event.currentTarget, config.pause, {branch: branch.id, paused: "1"})
                      .then(() => dialog.close(), (error) => showDialogError(error.message))})]);
  }

  // --- drawing ----------------------------------------------------------------------------------

  function optionGroups(options) {
    const groups = [];
    for (const option of options) {
      const last = groups[groups.length - 1];
      if (last && last.group === option.group) last.names.push(option.name);
      else groups.push({group: option.group, names: [option.name]});
    }
    return groups;
  }

  function lines(ticket) {
    return el("ul", {class: "food-lines"}, ticket.lines.map((line) => el("li", {},
      el("div", {class: "food-line"}, el("span", {class: "food-qty", text: line.quantity + "×"}),
         el("span", {class: "food-dish", text: line.name})),
      line.options.length ? el("ul", {class: "food-options"}, optionGroups(line.options).map((group) =>
        el("li", {}, group.group ? el("span", {class: "food-option-group", text: group.group + ": "}) : null,
           el("span", {class: "food-option-name", text: group.names.join(", ")})))) : null)));
  }

  function timerNode(ticket) {
    return el("div", {class: "food-timer", "data-timer": ticket.order});
  }

  function updateTimer(node, ticket) {
    const at = now();
    const since = (value) => at - Date.parse(value);
    let main = "";
    let extra = "";
    let state = "";
    if (ticket.status === "placed") {
      const left = Date.parse(ticket.accept_by) - at;
      const span = Date.parse(ticket.accept_by) - Date.parse(ticket.released_at);
      main = left > 0 ? fmt(T.accept_within, {time: mmss(left)}) : T.accept_overdue;
      state = left <= 0 ? "late" : (left < Math.max(60000, span * 0.3) ? "warn" : "");
      extra = fmt(T.waiting, {time: mmss(since(ticket.released_at))});
    } else if (ticket.status === "accepted" || ticket.status === "cooking") {
      const left = Date.parse(ticket.ready_by) - at;
      main = left >= 0 ? fmt(T.ready_in, {minutes: Math.ceil(left / 60000)}) : fmt(T.ready_late, {minutes: minutes(-left)});
      state = left < 0 ? "late" : (left < 3 * 60000 ? "warn" : "");
    } else if (ticket.status === "ready") {
      main = since(ticket.ready_at) < 60000 ? T.ready_now : fmt(T.ready_for, {minutes: minutes(since(ticket.ready_at))});
      state = since(ticket.ready_at) > 10 * 60000 ? "warn" : "";
    } else if (ticket.status === "out_for_delivery") {
      const left = ticket.delivered_by ? Date.parse(ticket.delivered_by) - at : null;
      const road = since(ticket.out_at) < 60000 ? T.left_now : fmt(T.on_the_road, {minutes: minutes(since(ticket.out_at))});
      main = left === null ? road
        : (left >= 0 ? fmt(T.due_in, {minutes: Math.ceil(left / 60000)}) : fmt(T.due_late, {minutes: minutes(-left)}));
      state = left !== null && left < 0 ? "late" : "";
      extra = left === null ? "" : road;
    }
    node.dataset.state = state;
    node.replaceChildren(icon(state === "late" ? "alarm" : "schedule"),
                         el("span", {class: "food-timer-text"}, el("strong", {text: main}),
                            extra ? el("small", {text: extra}) : ""));
  }

  function stepButtons(ticket) {
    const buttons = [];
    for (const step of ticket.steps) {
      if (step.reason_required) {
        buttons.push(el("button", {type: "button", class: "food-button danger-ghost", "data-step": step.to,
                                   text: step.label, onclick: () => reasonDialog(ticket, step.to)}));
      } else if (step.to === "accepted") {
        buttons.unshift(el("button", {type: "button", class: "food-button primary big", "data-step": step.to,
                                      onclick: () => acceptDialog(ticket)}, icon("check"), step.label));
      } else {
        buttons.unshift(el("button", {type: "button", class: "food-button primary big", "data-step": step.to,
                                      onclick: (event) => act(event.currentTarget, config.step,
                                                              {order: ticket.order, to: step.to}).catch(() => {})},
                           icon(STEP_ICONS[step.to] || "arrow_forward"), step.label));
      }
    }
    if (ticket.cancel) {
      buttons.push(el("button", {type: "button", class: "food-button danger-ghost small", "data-step": "cancelled",
                                 text: ticket.cancel_label, onclick: () => reasonDialog(ticket, "cancelled")}));
    }
    return buttons.length ? el("div", {class: "food-actions"}, buttons) : null;
  }

  const STEP_ICONS = {cooking: "skillet", ready: "room_service", picked_up: "shopping_bag",
                      out_for_delivery: "two_wheeler", delivered: "where_to_vote"};

  function ticketCard(ticket) {
    const delivery = ticket.fulfilment === "delivery";
    const showBranch = kitchen && data.branches.length > 1;
    const card = el("article", {
      class: ["food-ticket", "status-" + ticket.status, delivery ? "is-delivery" : "is-pickup",
              ticket.status === watched ? "is-new" : "", fresh(ticket) ? "is-fresh" : ""]
        .filter(Boolean).join(" "),
      "data-order": ticket.order, "data-status": ticket.status},
    el("header", {class: "food-ticket-head"},
       el("strong", {class: "food-number", text: "#" + ticket.number}),
       el("span", {class: "food-badge " + (delivery ? "delivery" : "pickup")},
          icon(delivery ? "two_wheeler" : "shopping_bag"), ticket.fulfilment_label),
       fresh(ticket) ? el("span", {class: "food-badge fresh", text: T.new_order}) : null),
    timerNode(ticket),
    el("p", {class: "food-customer"}, icon("person"), el("span", {text: ticket.customer || "—"})),
    showBranch ? el("p", {class: "food-muted food-branch-line"}, icon("storefront"), branchName(ticket.branch)) : null,
    kitchen ? lines(ticket) : el("p", {class: "food-muted food-count"}, summary(ticket),
                                 ticket.total ? " · " + money(ticket.total) + " · " : "",
                                 el("strong", {class: "food-paid" + (ticket.payment_status === "unpaid" ? " unpaid" : ""),
                                               text: ticket.payment_status === "unpaid" ? T.unpaid : T.paid})),
    ticket.notes ? el("div", {class: "food-note"}, icon("sticky_note_2"),
                      el("div", {}, el("small", {text: T.note}), el("p", {text: ticket.notes}))) : null,
    delivery && ticket.delivery ? deliveryBlock(ticket) : null,
    ticket.rider && kitchen ? el("p", {class: "food-muted food-rider"}, icon("two_wheeler"), fmt(T.rider, {name: ticket.rider}))
      : null,
    stepButtons(ticket));
    updateTimer(card.querySelector(".food-timer"), ticket);
    return card;
  }

  function fresh(ticket) {
    return ticket.status === watched && freshUntil.get(ticket.order) > Date.now();
  }

  function summary(ticket) {
    return ticket.lines.map((line) => line.quantity + "× " + line.name).join(", ");
  }

  function deliveryBlock(ticket) {
    const info = ticket.delivery;
    return el("div", {class: "food-delivery"},
      info.address ? el("p", {class: "food-address"}, icon("location_on"),
                         el("span", {}, el("small", {class: "sr-only", text: T.address}), info.address)) : null,
      info.memo ? el("div", {class: "food-memo"}, icon("info"),
                     el("div", {}, el("small", {text: T.memo}), el("p", {text: info.memo}))) : null,
      info.phone && !kitchen ? el("a", {class: "food-button ghost food-phone", href: "tel:" + info.phone.replace(/[^\d+]/g, "")},
                                  icon("call"), fmt(T.call, {phone: info.phone})) : null,
      info.phone && kitchen ? el("p", {class: "food-muted"}, icon("call"), info.phone) : null);
  }

  function branchName(id) {
    const branch = data.branches.find((entry) => entry.id === id);
    return branch ? branch.name : "";
  }

  function drawBanners() {
    const box = document.getElementById("food-banners");
    const banners = [];
    for (const branch of kitchen ? data.branches : []) {
      if (branch.paused) {
        const offline = branch.pause_reason === "board_offline";
        banners.push(el("div", {class: "food-banner paused" + (offline ? " offline" : ""), "data-branch": branch.id,
                                role: "alert"},
          icon(offline ? "wifi_off" : "pause_circle"),
          el("div", {class: "food-banner-text"},
             el("strong", {text: fmt(offline ? T.paused_offline : T.paused_manual, {branch: branch.name})}),
             branch.pause_reason_label ? el("small", {text: branch.pause_reason_label}) : null),
          branch.can_pause ? el("button", {type: "button", class: "food-button primary", "data-resume": branch.id,
                                           onclick: (event) => act(event.currentTarget, config.pause,
                                                                   {branch: branch.id, paused: "0"}).catch(() => {})},
                                icon("play_arrow"), T.resume) : null));
      } else {
        banners.push(el("div", {class: "food-banner open", "data-branch": branch.id},
          el("span", {class: "food-dot", "aria-hidden": "true"}),
          el("span", {class: "food-banner-text", text: fmt(T.taking_orders, {branch: branch.name})}),
          branch.can_pause ? el("button", {type: "button", class: "food-button ghost small", "data-pause": branch.id,
                                           onclick: () => pauseDialog(branch)}, icon("pause"), T.pause) : null));
      }
    }
    box.replaceChildren(...banners);
  }

  function drawMenu() {
    const toggle = document.getElementById("food-sold-out-toggle");
    if (!toggle) return;
    toggle.querySelector(".food-bar-label").textContent = fmt(T.sold_out_button, {count: data.sold_out.length});
    toggle.classList.toggle("has-sold-out", data.sold_out.length > 0);
    document.getElementById("sold-out-help").textContent = data.menu.length ? T.sold_out_help : T.no_menu;
    document.getElementById("food-menu").replaceChildren(...data.menu.map((item) => el("li", {
      class: item.sold_out ? "is-sold-out" : "", "data-item": item.id},
      el("span", {class: "food-menu-name", text: item.name}),
      el("button", {type: "button", role: "switch", class: "food-switch", "aria-checked": item.sold_out ? "true" : "false",
                    disabled: !data.can_sold_out, "data-item": item.id,
                    onclick: (event) => act(event.currentTarget, config.sold_out,
                                            {item: item.id, sold_out: item.sold_out ? "0" : "1"}).catch(() => {})},
         el("span", {class: "food-switch-track", "aria-hidden": "true"}),
         el("span", {class: "food-switch-text", text: item.sold_out ? T.sold_out : T.on_sale})))));
  }

  function drawColumns() {
    const columns = data.columns;
    if (activeTab === null || !columns.some((column) => column.status === activeTab)) {
      const busy = columns.find((column) => column.tickets.length);
      activeTab = (busy || columns[0]).status;
    }
    document.getElementById("food-tabs").replaceChildren(...columns.map((column) => el("button", {
      type: "button", class: "food-tab status-" + column.status + (column.status === activeTab ? " active" : ""),
      "aria-pressed": column.status === activeTab ? "true" : "false", "data-tab": column.status,
      onclick: () => { activeTab = column.status; drawColumns(); }},
      el("span", {text: column.label}), el("strong", {text: column.tickets.length}))));
    const total = columns.reduce((sum, column) => sum + column.tickets.length, 0);
    document.getElementById("food-columns").replaceChildren(
      total === 0 ? el("p", {class: "food-empty-all", id: "food-empty"}, icon(kitchen ? "soup_kitchen" : "two_wheeler"),
                       kitchen ? T.no_orders : T.no_deliveries) : "",
      ...columns.map((column) => el("section", {
        class: "food-column status-" + column.status + (column.status === activeTab ? " active" : ""),
        "data-column": column.status},
        el("h2", {class: "food-column-head"}, el("span", {text: column.label}),
           el("span", {class: "food-count-badge", text: column.tickets.length})),
        column.tickets.length ? column.tickets.map(ticketCard)
          : el("p", {class: "food-empty", text: T.empty_column}))));
  }

  function noticeNewcomers() {
    const waiting = (data.columns.find((column) => column.status === watched) || {tickets: []}).tickets;
    const ids = new Set(data.columns.flatMap((column) => column.tickets.map((ticket) => ticket.order)));
    let arrived = 0;
    if (seen !== null) {
      for (const ticket of waiting) {
        if (!seen.has(ticket.order)) {
          freshUntil.set(ticket.order, Date.now() + 12000);
          arrived += 1;
        }
      }
    }
    seen = ids;
    if (arrived) {
      activeTab = watched;
      beep();
      document.title = "● " + document.title.replace(/^● /, "");
    }
  }

  function render() {
    noticeNewcomers();
    drawBanners();
    drawMenu();
    drawColumns();
    root.dataset.ready = "true";
  }

  function tick() {
    const tickets = new Map(data.columns.flatMap((column) => column.tickets.map((ticket) => [String(ticket.order), ticket])));
    document.querySelectorAll(".food-timer[data-timer]").forEach((node) => {
      const ticket = tickets.get(node.dataset.timer);
      if (ticket) updateTimer(node, ticket);
    });
    document.querySelectorAll(".food-ticket.is-fresh").forEach((card) => {
      if (!(freshUntil.get(Number(card.dataset.order)) > Date.now())) {
        card.classList.remove("is-fresh");
        const badge = card.querySelector(".food-badge.fresh");
        if (badge) badge.remove();
      }
    });
    const waiting = (data.columns.find((column) => column.status === watched) || {tickets: []}).tickets.length;
    if (kitchen && waiting && soundWanted && Date.now() - lastBeep > 20000) beep(); // a reminder while orders wait
    if (!waiting) document.title = document.title.replace(/^● /, "");
  }

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
        headers: {"Accept": "application/json", "If-None-Match": etag}});
      const json = (response.headers.get("Content-Type") || "").includes("application/json");
      if (response.status === 304) {
        failures = 0;
      } else if (response.ok && json) {
        etag = response.headers.get("ETag") || "";
        data = await response.json();
        syncClock(data.now);
        failures = 0;
        render();
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

  // --- start -----------------------------------------------------------------------------------

  const picker = document.getElementById("food-branch-picker");
  if (picker) {
    picker.addEventListener("change", () => {
      const url = new URL(window.location.href);
      if (picker.value) url.searchParams.set("branch", picker.value); else url.searchParams.delete("branch");
      window.location.assign(url.toString());
    });
  }
  const soldOutToggle = document.getElementById("food-sold-out-toggle");
  if (soldOutToggle) {
    const panel = document.getElementById("sold-out");
    const show = (open) => {
      panel.hidden = !open;
      soldOutToggle.setAttribute("aria-expanded", open ? "true" : "false");
    };
    soldOutToggle.addEventListener("click", () => show(panel.hidden));
    if (window.location.hash === "#sold-out") show(true);
  }
  syncClock(data.now);
  drawSound();
  render();
  setInterval(tick, 1000);
  timer = setTimeout(poll, config.poll_ms);
})();
