import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { JSDOM } from "jsdom";

import { applyDiscussion, ask, isBusy, mergeCards } from "../src/discussion.js";

const card = (id, body, token = "a") =>
  `<article class="ss-card" id="${id}"><p>${body}</p>` +
  `<form><input type="hidden" name="csrfmiddlewaretoken" value="${token}">` +
  `<label for="antwoord-${id}">Antwoord</label><textarea id="antwoord-${id}"></textarea>` +
  `<button>Antwoorden</button></form></article>`;

function page(cards, text = "<p>De bibliotheek.</p>") {
  const dom = new JSDOM(
    `<!doctype html><body><div role="status" data-discussion="/nota/x/stand/" data-stand="oud"
      data-version="1"></div><article id="versie-tekst" data-merge="whole">${text}</article>
      <div id="reactie-lijst" data-merge="cards">${cards.join("")}</div></body>`,
    { url: "https://samenspel.example/nota/x/" },
  );
  return dom.window.document;
}

function fragment(doc, cards, { text = "<p>De bibliotheek.</p>", stand = "nieuw" } = {}) {
  const template = doc.createElement("template");
  template.innerHTML =
    `<div data-stand="${stand}" data-news="Bijgewerkt." data-new-label="Nieuw">` +
    `<div id="versie-tekst" data-merge="whole">${text}</div>` +
    `<div id="reactie-lijst" data-merge="cards">${cards.join("")}</div></div>`;
  return template.content.firstElementChild;
}

const ids = (doc) => [...doc.getElementById("reactie-lijst").children].map((node) => node.id);

describe("putting new comments in place", () => {
  test("a new card in its place with a badge, a changed one replaced, a gone one removed", () => {
    const doc = page([`<p id="reacties-leeg">Nog geen.</p>`, card("r1", "Eén"), card("r3", "Drie")]);
    const kept = doc.getElementById("r1");
    const fresh = fragment(doc, [card("r1", "Eén", "b"), card("r2", "Twee"), card("r3", "Drie!")]);
    const result = mergeCards(doc.getElementById("reactie-lijst"), fresh.children[1], "Nieuw");
    assert.deepEqual(ids(doc), ["r1", "r2", "r3"]);
    assert.equal(doc.getElementById("r1"), kept, "an unchanged card (new token) stays the same node");
    assert.equal(doc.querySelector("#r2 > .ss-badge").textContent, "Nieuw");
    assert.equal(doc.querySelector("#r3 > .ss-badge"), null);
    assert.equal(doc.querySelector("#r3 p").textContent, "Drie!");
    assert.deepEqual(result, { changed: 3, busy: false });
  });

  test("a card with a half-written reply stays as it was, and the page asks again", () => {
    const doc = page([card("r1", "Eén"), card("r2", "Twee")]);
    doc.getElementById("antwoord-r1").value = "Dat zou mooi";
    const fresh = fragment(doc, [card("r1", "Eén, met antwoord"), card("r2", "Twee"), card("r4", "Vier")]);
    const result = applyDiscussion(doc, fresh, "Nieuw");
    assert.equal(doc.getElementById("antwoord-r1").value, "Dat zou mooi");
    assert.equal(doc.querySelector("#r1 p").textContent, "Eén");
    assert.deepEqual(ids(doc), ["r1", "r2", "r4"]);
    assert.equal(result.busy, true);
    // A busy card that is gone from the answer stays too.
    mergeCards(doc.getElementById("reactie-lijst"), fragment(doc, [card("r2", "Twee")]).children[1]);
    assert.deepEqual(ids(doc), ["r1", "r2"]);
  });

  test("focus, a ticked box, a changed choice or a form with errors make a part busy", () => {
    const doc = page([card("r1", "Eén")]);
    const part = doc.getElementById("r1");
    assert.equal(isBusy(part), false);
    doc.getElementById("antwoord-r1").focus();
    assert.equal(isBusy(part), true);
    doc.getElementById("antwoord-r1").blur();
    part.insertAdjacentHTML("beforeend", `<input type="checkbox" id="vink">`);
    assert.equal(isBusy(part), false);
    doc.getElementById("vink").checked = true;
    assert.equal(isBusy(part), true);
    doc.getElementById("vink").checked = false;
    part.insertAdjacentHTML("beforeend", `<select id="keus"><option>a</option><option>b</option></select>`);
    assert.equal(isBusy(part), false, "an untouched list without a `selected` option");
    doc.getElementById("keus").selectedIndex = 1;
    assert.equal(isBusy(part), true);
    doc.getElementById("keus").selectedIndex = 0;
    part.insertAdjacentHTML("beforeend", `<fieldset class="utrecht-form-fieldset--invalid"></fieldset>`);
    assert.equal(isBusy(part), true);
  });

  test("the text is replaced when its marks changed, not while words in it are selected", () => {
    const doc = page([]);
    const marked = `<p><span id="passage-reactie-1"></span><mark>De bibliotheek</mark>.</p>`;
    const text = doc.getElementById("versie-tekst");
    const range = doc.createRange();
    range.selectNodeContents(text.querySelector("p"));
    doc.getSelection().addRange(range);
    assert.equal(applyDiscussion(doc, fragment(doc, [], { text: marked })).busy, true);
    assert.equal(text.querySelector("mark"), null);
    doc.getSelection().removeAllRanges();
    assert.deepEqual(applyDiscussion(doc, fragment(doc, [], { text: marked })), { changed: 1, busy: false });
    assert.equal(text.querySelector("mark").textContent, "De bibliotheek");
    assert.deepEqual(applyDiscussion(doc, fragment(doc, [], { text: marked })), { changed: 0, busy: false });
  });
});

describe("asking the server", () => {
  const answer = (status, body = "") => async () => ({ status, text: async () => body });

  test("nothing new, new parts, and a dropped connection", async () => {
    const doc = page([card("r1", "Eén")]);
    const news = doc.querySelector("[data-discussion]");
    const asked = [];
    assert.equal(await ask(news, async (url) => (asked.push(String(url)), answer(204)())), true);
    assert.equal(asked[0], "https://samenspel.example/nota/x/stand/?stand=oud&versie=1");
    const body = fragment(doc, [card("r1", "Eén"), card("r2", "Twee")]).outerHTML;
    assert.equal(await ask(news, answer(200, body)), true);
    assert.deepEqual(ids(doc), ["r1", "r2"]);
    assert.equal(news.dataset.stand, "nieuw");
    assert.equal(await ask(news, async () => Promise.reject(new TypeError("offline"))), true);
    assert.equal(await ask(news, answer(502, "Bad gateway")), true);
    assert.equal(news.dataset.stand, "nieuw");
  });

  test("a busy part waits in the kept answer and is put in place once the reader is done", async () => {
    const doc = page([card("r1", "Eén")]);
    const news = doc.querySelector("[data-discussion]");
    doc.getElementById("antwoord-r1").value = "Half";
    const body = fragment(doc, [card("r1", "Eén, met antwoord"), card("r2", "Twee")]).outerHTML;
    assert.equal(await ask(news, answer(200, body)), true);
    assert.deepEqual(ids(doc), ["r1", "r2"], "what the reader is not busy with comes at once");
    assert.equal(doc.querySelector("#r1 p").textContent, "Eén");
    // The next question carries the new stamp: the server has nothing new and says so.
    const asked = [];
    const nothingNew = async (url) => (asked.push(new URL(url).searchParams.get("stand")), answer(204)());
    assert.equal(await ask(news, nothingNew), true);
    assert.deepEqual(asked, ["nieuw"]);
    assert.equal(doc.querySelector("#r1 p").textContent, "Eén", "still typing: still left alone");
    assert.equal(doc.getElementById("antwoord-r1").value, "Half");
    doc.getElementById("antwoord-r1").value = "";
    assert.equal(await ask(news, nothingNew), true);
    assert.equal(doc.querySelector("#r1 p").textContent, "Eén, met antwoord");
    // Done: a later "nothing new" changes nothing more.
    doc.getElementById("r1").querySelector("p").textContent = "Eén (ter controle)";
    assert.equal(await ask(news, nothingNew), true);
    assert.equal(doc.querySelector("#r1 p").textContent, "Eén (ter controle)");
  });

  test("a newer answer replaces the kept one", async () => {
    const doc = page([card("r1", "Eén")]);
    const news = doc.querySelector("[data-discussion]");
    doc.getElementById("antwoord-r1").value = "Half";
    await ask(news, answer(200, fragment(doc, [card("r1", "Eén, eerste antwoord")]).outerHTML));
    const later = fragment(doc, [card("r1", "Eén, tweede antwoord")], { stand: "nieuwer" });
    await ask(news, answer(200, later.outerHTML));
    assert.equal(news.dataset.stand, "nieuwer");
    doc.getElementById("antwoord-r1").value = "";
    await ask(news, answer(204));
    assert.equal(doc.querySelector("#r1 p").textContent, "Eén, tweede antwoord");
  });

  test("a newer version: the reload offer in the status, and no more questions", async () => {
    const doc = page([card("r1", "Eén")]);
    const news = doc.querySelector("[data-discussion]");
    const reload = `<div data-reload><p>Er is een nieuwe versie. <a href="/nota/x/">Laad opnieuw</a></p></div>`;
    assert.equal(await ask(news, answer(200, reload)), false);
    assert.equal(news.querySelector("a").getAttribute("href"), "/nota/x/");
    assert.deepEqual(ids(doc), ["r1"]);
  });
});
