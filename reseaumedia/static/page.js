// The drafting page: scores the draft a moment after typing stops, and shows why.
"use strict";

const PAUSE_MS = 250;          // wait this long after the last key before asking the server
const NOMS = { reseau: "réseau", media: "média" };

const $ = (id) => document.getElementById(id);
let minuterie = null;
let controleur = null;         // the request in flight, cancelled when a newer draft is sent
let numero = 0;                // answers to older drafts are ignored

function pourcent(p) {
  // Same wording as the command line: never a flat 100 % or 0 %.
  if (p >= 0.9995) return "> 99,9 %";
  if (p <= 0.0005) return "< 0,1 %";
  return (p * 100).toFixed(1).replace(".", ",") + " %";
}

function etat(message, erreur = false) {
  const e = $("etat");
  e.textContent = message;
  e.className = erreur ? "etat erreur" : "etat";
  e.hidden = !message;
}

function effacer() {
  $("verdict").hidden = true;
  $("bloc-raisons").hidden = true;
  $("bloc-phrases").hidden = true;
}

function afficher(texte, p) {
  const etiquette = $("etiquette");
  const nom = NOMS[p.label];
  if (p.certain) {
    etiquette.textContent = `${nom} (probabilité ${pourcent(p.probabilities[p.label])})`;
    etiquette.className = `etiquette ${p.label}`;
    $("pourquoi-incertain").hidden = true;
  } else {
    etiquette.textContent = `incertain (penche ${nom}, ${pourcent(p.probabilities[p.label])})`;
    etiquette.className = "etiquette incertain";
    $("pourquoi-incertain").textContent = p.uncertain_reason_fr;
    $("pourquoi-incertain").hidden = false;
  }
  for (const cote of ["reseau", "media"]) {
    const valeur = p.probabilities[cote];
    $(`barre-${cote}`).style.width = `${(valeur * 100).toFixed(1)}%`;
    $(`prob-${cote}`).textContent = pourcent(valeur);
  }
  $("verdict").hidden = false;

  const liste = $("raisons");
  liste.replaceChildren();
  const raisons = [...p.reasons].sort((a, b) => b.weight - a.weight).slice(0, 6);
  for (const r of raisons) {
    const li = document.createElement("li");
    const cote = document.createElement("span");
    cote.className = `cote ${r.side}-texte`;
    cote.textContent = `${NOMS[r.side]} `;
    li.append(cote, `${r.description} (poids ${r.weight.toFixed(2).replace(".", ",")})`);
    liste.append(li);
  }
  $("bloc-raisons").hidden = raisons.length === 0;

  // Each sentence coloured by its own orientation; a one-sentence text takes the text's.
  const morceaux = p.sentences.length ? p.sentences
    : [{ start: 0, end: texte.length, label: p.label, probabilities: p.probabilities }];
  const phrases = $("phrases");
  phrases.replaceChildren();
  let position = 0;
  for (const s of morceaux) {
    if (s.start > position) phrases.append(texte.slice(position, s.start));
    const span = document.createElement("span");
    span.className = `phrase ${s.label}`;
    span.title = `${NOMS[s.label]} ${pourcent(s.probabilities[s.label])}`;
    const balise = document.createElement("span");
    balise.className = "hors-ecran";
    balise.textContent = `[${NOMS[s.label]}] `;
    span.append(balise, texte.slice(s.start, s.end));
    phrases.append(span);
    position = s.end;
  }
  if (position < texte.length) phrases.append(texte.slice(position));
  $("bloc-phrases").hidden = false;
}

async function analyser() {
  clearTimeout(minuterie);
  const texte = $("brouillon").value;
  if (!texte.trim()) {
    effacer();
    etat("Le résultat s'affichera ici.");
    return;
  }
  if (controleur) controleur.abort();
  controleur = new AbortController();
  const moi = ++numero;
  etat("analyse…");
  try {
    const reponse = await fetch("/api/predict", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text: texte }),
      signal: controleur.signal,
    });
    const donnees = await reponse.json();
    if (moi !== numero) return;
    if (!reponse.ok) {
      effacer();
      etat(donnees.erreur || `erreur ${reponse.status}`, true);
      return;
    }
    etat("");
    afficher(texte, donnees);
  } catch (erreur) {
    if (erreur.name === "AbortError" || moi !== numero) return;
    effacer();
    etat("Le serveur ne répond pas : relancez « reseaumedia serve ».", true);
  }
}

$("brouillon").addEventListener("input", () => {
  clearTimeout(minuterie);
  minuterie = setTimeout(analyser, PAUSE_MS);
});
$("brouillon").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); analyser(); }
});
$("formulaire").addEventListener("submit", (e) => { e.preventDefault(); analyser(); });

fetch("/api/health").then((r) => r.json()).then((h) => {
  $("modele").textContent = `modèle ${h.model_version}`;
}).catch(() => {});
if ($("brouillon").value.trim()) analyser();
