// Handout Markdown to safe DOM: markdown-it renders it (raw HTML off: it shows as text) and
// DOMPurify sanitizes the result before it reaches the page, so no script in a handout can run
// whatever the Markdown holds. The handout's product links (node:NAME, check:ID) are kept for
// the page to turn into buttons; every other scheme but http(s) and mailto is dropped.
import DOMPurify from "dompurify";
import MarkdownIt from "markdown-it";

const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });

// A handout is somebody else's text: its web links open apart from the dashboard and tell the
// other site nothing (no opener, no Referer with the lab's address), and an image from another
// site, which would report every student who opens the lab, is not loaded.
DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  if (node instanceof HTMLAnchorElement && /^https?:/i.test(node.getAttribute("href") ?? "")) {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  }
  if (
    node instanceof HTMLImageElement &&
    /^(?:[a-z][a-z+.-]*:|\/\/)/i.test(node.getAttribute("src") ?? "")
  ) {
    node.removeAttribute("src");
  }
});

/** http(s), mailto, the handout's own node: and check:, and relative links (#anchors). */
const ALLOWED_URI = /^(?:(?:https?|mailto|node|check):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i;

export function renderMarkdown(text: string): DocumentFragment {
  return DOMPurify.sanitize(markdown.render(text), {
    ALLOWED_URI_REGEXP: ALLOWED_URI,
    RETURN_DOM_FRAGMENT: true,
    FORBID_TAGS: ["style", "form", "input", "button", "textarea", "select"],
    ADD_ATTR: ["target"],
  });
}
