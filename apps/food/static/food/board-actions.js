/* The kitchen board and the rider page, part 2 of 3: what a person does there. The steps on
   a ticket (one tap, or a dialog for the minutes of an acceptance or the reason of a
   rejection or a cancellation), pausing and resuming a branch from its banner, the sold-out
   switches, the branch picker. Buttons post to the admin's own endpoints with the session's
   CSRF token, then poll the feed at once so the board shows the change. Uses what
   board-live.js put in window.FoodBoard; board.js draws with what this adds. */
(function (B) {
  "use strict";

  const {config, T, el, icon, fmt} = B;

  let toastTimer = null;
  function toast(message) {
    const box = document.getElementById("food-toast");
    box.textContent = message;
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { box.hidden = true; }, 6000);
  }

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
      B.etag = "";
      await B.poll();
    } catch (error) {
      toast(fmt(T.failed, {message: error.message}));
      if (button) button.disabled = false;
      B.etag = "";
      B.poll();
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
    const branch = B.data.branches.find((entry) => entry.id === ticket.branch) || {};
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

  // --- the buttons drawn on the board -------------------------------------------------------------

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

  function drawBanners() {
    const box = document.getElementById("food-banners");
    const banners = [];
    for (const branch of B.kitchen ? B.data.branches : []) {
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
    const data = B.data;
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

  // --- the bar: branch picker, sold-out panel -------------------------------------------------------

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

  Object.assign(B, {stepButtons, drawBanners, drawMenu});
})(window.FoodBoard);
