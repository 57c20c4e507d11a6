/**
 * Which rows of a list a pane of `height` rows shows. Pure.
 * - `newestLast` (logs): without a selection the pane follows the end; a selection on the last
 *   page stays put; above it the selected row is the top row, so new rows do not move it.
 * - newest first (alerts): the top of the list, scrolled just enough to show the selection.
 */
export function paneWindow(total: number, selected: number, height: number, newestLast: boolean): { start: number; end: number } {
  const h = Math.max(0, height);
  if (total <= h) return { start: 0, end: total };
  let start: number;
  if (newestLast) {
    const lastPage = total - h;
    start = selected < 0 || selected >= lastPage ? lastPage : selected;
  } else {
    start = selected < h ? 0 : selected - h + 1;
  }
  return { start, end: start + h };
}
