// The lab diagram's labels as the browser drew them: each one's font size on screen (its CSS size
// times the zoom) and its box, and the pairs of labels whose boxes overlap.
import type { Page } from "playwright-core";

export interface LabelBox {
  text: string;
  px: number;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export function diagramLabels(page: Page): Promise<LabelBox[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<SVGTextElement>("svg.diagram text.label")].map((text) => {
      const box = text.getBoundingClientRect();
      const scale = text.getScreenCTM()?.a ?? 1;
      return {
        text: text.textContent ?? "",
        px: Number.parseFloat(getComputedStyle(text).fontSize) * scale,
        left: box.left,
        top: box.top,
        right: box.right,
        bottom: box.bottom,
      };
    }),
  );
}

/** "a / b" for each two labels whose boxes overlap (half a pixel of antialiasing is not one). */
export function overlappingLabels(boxes: LabelBox[]): string[] {
  const overlaps = (a: LabelBox, b: LabelBox) =>
    a.left < b.right - 0.5 &&
    b.left < a.right - 0.5 &&
    a.top < b.bottom - 0.5 &&
    b.top < a.bottom - 0.5;
  const clashes: string[] = [];
  for (const [i, a] of boxes.entries()) {
    for (const b of boxes.slice(i + 1)) if (overlaps(a, b)) clashes.push(`${a.text} / ${b.text}`);
  }
  return clashes;
}
