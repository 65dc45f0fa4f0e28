// Match board front-end (anywidget ES module, no build step).
//
// Draws the `state` the Python side computes (revmentor_nb/board_view.py) and sends each
// action back as a message: {action: "lock" | "unlock" | "forbid" | "unassign" | "undo" |
// "export", mentor_id, mentee_id}. Filters are written to the `filters` trait. Participant
// text is only ever set with textContent, never parsed as HTML. Every control is a real
// <button>, <select> or <input> with a label, so the board works from the keyboard.

function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") el.textContent = String(value);
    else if (key === "class") el.className = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

const fmt = (x, d = 2) => (typeof x === "number" ? x.toFixed(d) : "");
let uid = 0;

function personCell(p, role) {
  const where = [p.department, p.site, p.grade ? `grade ${p.grade}` : ""].filter(Boolean).join(" · ");
  return h("div", { class: `rm-person rm-${role}` },
    h("span", { class: "rm-name", text: p.name }),
    h("span", { class: "rm-id", text: p.id !== p.name ? ` (${p.id})` : "" }),
    h("div", { class: "rm-where", text: where }));
}

function breakdown(pair, maxScore) {
  const total = Math.max(maxScore || 1, 1e-9);
  const bar = h("div", { class: "rm-bar", "aria-hidden": "true" });
  pair.parts.forEach((part, i) => {
    if (part.points <= 0) return;
    bar.append(h("span", {
      class: `rm-seg rm-seg-${i % 6}`, title: `${part.label}: ${fmt(part.points)}`,
      style: `width:${Math.max(2, (100 * part.points) / total).toFixed(1)}%`,
    }));
  });
  const words = pair.parts.filter((p) => p.points > 0).map((p) => `${p.label} ${fmt(p.points)}`).join(", ");
  return h("div", { class: "rm-score" },
    h("span", { class: "rm-score-value", text: fmt(pair.score) }), bar,
    h("div", { class: "rm-parts", text: words || "no score terms" }));
}

function render({ model, el }) {
  const root = h("div", { class: "rm-board-root" });
  el.append(root);
  let busy = false;

  const send = (msg, button) => {
    if (busy) return;
    busy = true;
    root.setAttribute("aria-busy", "true");
    root.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    const status = root.querySelector(".rm-status");
    if (status) status.textContent = "Re-solving ...";
    if (button) root.dataset.focusKey = button.dataset.focusKey || "";
    model.send(msg);
  };

  const setFilter = (key, value) => {
    const filters = { ...(model.get("filters") || {}) };
    filters[key] = value;
    if (key !== "limit") delete filters.limit;
    model.set("filters", filters);
    model.save_changes();
  };

  function select(key, labelText, choices, current) {
    const id = `rm-f-${key}-${++uid}`;
    const sel = h("select", { id, class: `rm-filter-${key}`, onchange: (ev) => setFilter(key, ev.target.value) },
      h("option", { value: "", text: "any" }),
      choices.map((c) => h("option", { value: c, text: c, selected: c === current })));
    return h("div", { class: "rm-filter" }, h("label", { for: id, text: labelText }), sel);
  }

  function actionButton(action, text, aria, pair, extraClass = "") {
    const btn = h("button", {
      type: "button", class: `rm-btn rm-${action} ${extraClass}`.trim(), "aria-label": aria, title: aria,
      "data-mentor": pair.mentor_id, "data-mentee": pair.mentee_id, text,
    });
    btn.dataset.focusKey = `${action}|${pair.mentor_id}|${pair.mentee_id}`;
    btn.addEventListener("click", () => send({ action, mentor_id: pair.mentor_id, mentee_id: pair.mentee_id }, btn));
    return btn;
  }

  function pairRow(pair, maxScore) {
    const ids = { mentor_id: pair.mentor.id, mentee_id: pair.mentee.id };
    const who = `${pair.mentor.name} (mentor) and ${pair.mentee.name} (mentee)`;
    const tr = h("tr", {
      class: `rm-pair${pair.locked ? " rm-locked" : ""}${pair.new ? " rm-new" : ""}`,
      "data-mentor": pair.mentor.id, "data-mentee": pair.mentee.id,
    });
    const badges = h("div", { class: "rm-badges" },
      pair.locked ? h("span", { class: "rm-badge rm-badge-locked", text: "locked" }) : null,
      pair.new ? h("span", { class: "rm-badge rm-badge-new", text: "new" }) : null);
    tr.append(
      h("td", {}, personCell(pair.mentor, "mentor")),
      h("td", {}, personCell(pair.mentee, "mentee")),
      h("td", {}, breakdown(pair, maxScore)),
      h("td", { class: "rm-shared", text: pair.shared.join("; ") || "—" }),
      h("td", { class: "rm-actions" }, badges,
        pair.locked
          ? actionButton("unlock", "Unlock", `Unlock the pair ${who}`, ids)
          : actionButton("lock", "Lock", `Lock the pair ${who}`, ids),
        actionButton("forbid", "Forbid", `Forbid the pair ${who}: they are never matched`, ids),
        actionButton("unassign", "Unassign", `Unassign the pair ${who}: neither gets a new partner in this run`, ids)));
    return tr;
  }

  function unmatchedItem(item) {
    const li = h("li", { class: "rm-unmatched-person", "data-person": item.person.id },
      personCell(item.person, item.role),
      h("div", { class: "rm-role", text: `signed up as ${item.role}` }),
      h("div", { class: "rm-reason", text: item.reason }));
    if (item.options && item.options.length) {
      const opts = h("ul", { class: "rm-options", "aria-label": `Possible partners for ${item.person.name}` });
      for (const o of item.options) {
        const now = o.partner_with ? `, now with ${o.partner_with}` : ", unmatched";
        opts.append(h("li", {},
          h("span", { text: `${o.partner.name} (fit ${fmt(o.score)}${now}) ` }),
          actionButton("lock", "Lock pair",
            `Lock ${item.person.name} with ${o.partner.name}`, { mentor_id: o.mentor_id, mentee_id: o.mentee_id },
            "rm-lock-option")));
      }
      li.append(opts);
    }
    return li;
  }

  function draw() {
    const state = model.get("state") || {};
    const s = state.summary || {};
    const f = state.filters || {};
    const opts = state.options || { departments: [], sites: [], topics: [] };
    const active = root.contains(document.activeElement) ? document.activeElement : null;
    const focusKey = root.dataset.focusKey || (active && active.dataset.focusKey) || "";
    const focusClass = active && !focusKey ? active.className.split(" ")[0] : "";
    const focusAction = focusKey.split("|")[0];
    const sameAction = (b) => b.dataset.focusKey && b.dataset.focusKey.split("|")[0] === focusAction;
    const focusIndex = [...root.querySelectorAll("button")].filter(sameAction)
      .findIndex((b) => b.dataset.focusKey === focusKey);
    busy = false;
    root.removeAttribute("aria-busy");
    root.replaceChildren();

    const heading = h("h3", { class: "rm-board-title", tabindex: "-1", text: "Match board" });
    const summary = h("p", { class: "rm-summary", text:
      `${s.pairs} pairs (${s.locked} locked), ${s.unmatched} unmatched · objective ${fmt(s.objective, 2)} · ` +
      `${s.status}, gap ${Number(s.gap || 0).toExponential(1)} · solved in ${fmt(s.seconds, 2)} s` +
      (s.run_id ? ` · run ${s.run_id}` : "") });
    const status = h("p", { class: "rm-status", role: "status", "aria-live": "polite", text: state.message || "" });

    const tools = h("div", { class: "rm-toolbar", role: "group", "aria-label": "Filters and actions" },
      select("department", "Department", opts.departments, f.department),
      select("site", "Site", opts.sites, f.site),
      select("topic", "Topic", opts.topics, f.topic));
    const onlyId = `rm-f-unmatched-${++uid}`;
    tools.append(h("div", { class: "rm-filter rm-check" },
      h("input", { type: "checkbox", id: onlyId, class: "rm-filter-unmatched", checked: !!f.unmatched_only,
        onchange: (ev) => setFilter("unmatched_only", ev.target.checked) }),
      h("label", { for: onlyId, text: "Unmatched only" })));
    const undo = h("button", { type: "button", class: "rm-btn rm-undo", disabled: !state.can_undo,
      "aria-label": "Undo the last override", text: "Undo" });
    undo.dataset.focusKey = "undo";
    undo.addEventListener("click", () => send({ action: "undo" }, undo));
    const exp = h("button", { type: "button", class: "rm-btn rm-export",
      "aria-label": "Write the exports, agreements and introduction notes of this run", text: "Export" });
    exp.dataset.focusKey = "export";
    exp.addEventListener("click", () => send({ action: "export" }, exp));
    tools.append(h("div", { class: "rm-tool-buttons" }, undo, exp));

    root.append(heading, summary, status, tools);

    const shown = state.shown || {};
    if (!f.unmatched_only) {
      const table = h("table", { class: "rm-pairs" },
        h("caption", { text: `Pairs: showing ${shown.pairs} of ${shown.pairs_total}` }),
        h("thead", {}, h("tr", {}, ["Mentor", "Mentee", "Score and breakdown", "Shared topics", "Actions"]
          .map((t) => h("th", { scope: "col", text: t })))));
      const body = h("tbody");
      (state.pairs || []).forEach((p) => body.append(pairRow(p, state.max_score)));
      table.append(body);
      root.append(table);
      if (shown.pairs < shown.pairs_total) {
        const more = h("button", { type: "button", class: "rm-btn rm-more", text: "Show more pairs",
          onclick: () => setFilter("limit", (f.limit || 40) + 40) });
        root.append(more);
      }
    }
    root.append(h("h4", { class: "rm-unmatched-title",
      text: `Unmatched, with reasons: showing ${shown.unmatched} of ${shown.unmatched_total}` }));
    const list = h("ul", { class: "rm-unmatched" });
    (state.unmatched || []).forEach((u) => list.append(unmatchedItem(u)));
    root.append(list);

    if (active || focusKey) {  // keep the keyboard user's place: same control, else the same pair, else the title
      const buttons = [...root.querySelectorAll("button")];
      const [, m, e] = focusKey.split("|");
      const again = buttons.find((b) => b.dataset.focusKey === focusKey)
        || (m && buttons.find((b) => b.dataset.mentor === m && b.dataset.mentee === e))
        || (focusIndex >= 0 && buttons.filter(sameAction)[focusIndex])  // the row that took the pair's place
        || (focusClass && root.querySelector(`.${focusClass}`));
      (again && !again.disabled ? again : heading).focus();
      root.dataset.focusKey = "";
    }
  }

  const onState = () => draw();
  model.on("change:state", onState);
  draw();
  return () => model.off("change:state", onState);
}

export default { render };
