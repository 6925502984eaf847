// A letter's QR code opens /inloggen/code/#code=ABCD-EFGH-JKMN: put the code in the field
// and take it out of the address bar. The fragment never reaches a server or its logs.
const match = /^#code=([A-Za-z0-9-]{1,40})$/.exec(window.location.hash);
const field = document.querySelector("input[name=code]");
if (match && field) {
  field.value = match[1];
  window.history.replaceState(null, "", window.location.pathname + window.location.search);
}
