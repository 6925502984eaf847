// Loaded on every page: htmx for partial updates, plus small progressive enhancements.
// Every page also works without this file.
import htmx from "htmx.org";

window.htmx = htmx;
// No inline <style> from htmx: the indicator styles are in main.css (and a strict CSP stays possible).
htmx.config.includeIndicatorStyles = false;

function csrfToken() {
  const field = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (field) return field.value;
  const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
  return cookie ? decodeURIComponent(cookie.slice("csrftoken=".length)) : "";
}

// Django wants the CSRF token on every unsafe request htmx makes.
document.addEventListener("htmx:configRequest", (event) => {
  const token = csrfToken();
  if (token) event.detail.headers["X-CSRFToken"] = token;
});

// After htmx swaps in new content that asks for it, move focus there so keyboard and screen
// reader users land on what changed (hx-swap target marked with data-focus-after-swap).
document.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target?.closest?.("[data-focus-after-swap]");
  if (!target) return;
  if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
  target.focus();
});

// A form that should not be sent twice (a slow connection, a double tap) marks itself with
// data-submit-once: its submit buttons are disabled after the first submit.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-submit-once")) return;
  if (form.dataset.submitting) {
    event.preventDefault();
    return;
  }
  form.dataset.submitting = "true";
  for (const button of form.querySelectorAll("button[type=submit], button:not([type])")) {
    button.setAttribute("aria-disabled", "true");
  }
});
