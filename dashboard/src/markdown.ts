// Handout Markdown to safe DOM: markdown-it renders it (raw HTML off: it shows as text) and
// DOMPurify sanitizes the result before it reaches the page, so no script in a handout can run
// whatever the Markdown holds. The handout's product links (node:NAME, check:ID) are kept for
// the page to turn into buttons; every other scheme but http(s) and mailto is dropped.
import DOMPurify from "dompurify";
import MarkdownIt from "markdown-it";

const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });

/** http(s), mailto, the handout's own node: and check:, and relative links (#anchors). */
const ALLOWED_URI = /^(?:(?:https?|mailto|node|check):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i;

export function renderMarkdown(text: string): DocumentFragment {
  return DOMPurify.sanitize(markdown.render(text), {
    ALLOWED_URI_REGEXP: ALLOWED_URI,
    RETURN_DOM_FRAGMENT: true,
    FORBID_TAGS: ["style", "form", "input", "button", "textarea", "select"],
  });
}
