/* The kitchen board and the rider page (apps/food/templates/admin/food/board.html), part 3
   of 3: the drawing, and the start. Columns (tabs on a phone) of tickets with their timers,
   redrawn from each new feed; the timers tick every second on the server's clock. New orders
   in the watched column are highlighted for a while and announced. Loaded last: it draws with
   what board-live.js (helpers, sound, polling) and board-actions.js (buttons, banners, sold-out
   switches) put in window.FoodBoard, then starts the poll. */
(function (B) {
  "use strict";

  const {T, root, kitchen, watched, el, icon, fmt, now, mmss, minutes, money, beep, remind} = B;
  const {stepButtons, drawBanners, drawMenu} = B;
  let seen = null; // order ids already shown (null before the first drawing)
  const freshUntil = new Map(); // order id -> when its "new" flash ends
  let activeTab = null;

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

  function ticketCard(ticket) {
    const delivery = ticket.fulfilment === "delivery";
    const showBranch = kitchen && B.data.branches.length > 1;
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
    const branch = B.data.branches.find((entry) => entry.id === id);
    return branch ? branch.name : "";
  }

  function drawColumns() {
    const columns = B.data.columns;
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
    const waiting = (B.data.columns.find((column) => column.status === watched) || {tickets: []}).tickets;
    const ids = new Set(B.data.columns.flatMap((column) => column.tickets.map((ticket) => ticket.order)));
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
    const tickets = new Map(B.data.columns.flatMap((column) => column.tickets.map((ticket) => [String(ticket.order), ticket])));
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
    const waiting = (B.data.columns.find((column) => column.status === watched) || {tickets: []}).tickets.length;
    if (kitchen && waiting) remind(); // a reminder while orders wait
    if (!waiting) document.title = document.title.replace(/^● /, "");
  }

  // --- start -----------------------------------------------------------------------------------

  B.render = render;
  B.syncClock(B.data.now);
  B.drawSound();
  render();
  setInterval(tick, 1000);
  B.startPolling();
})(window.FoodBoard);
