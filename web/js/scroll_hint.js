// Says when a box scrolls sideways: on a small phone the seat map is wider than the screen
// (seats keep 32 px), and nothing else would tell the person that a row goes on.

/** 'left', 'right', 'left right' or '': the sides on which `scroller` has more to show. */
export function hiddenSides({ scrollLeft, scrollWidth, clientWidth }) {
  const slack = 1; // sub-pixel widths leave a fraction of a pixel to scroll
  const sides = [];
  if (scrollLeft > slack) sides.push('left');
  if (scrollLeft + clientWidth < scrollWidth - slack) sides.push('right');
  return sides.join(' ');
}

/**
 * Keeps `frame`'s data-more (which fades the sides, in CSS) and `hint`'s visibility true to
 * `scroller` as it scrolls and as it or its content change size.
 */
export function watchSideways(scroller, frame, hint) {
  const update = () => {
    const sides = hiddenSides(scroller);
    if (frame.dataset.more !== sides) frame.dataset.more = sides;
    hint.hidden = sides === '';
  };
  scroller.addEventListener('scroll', update, { passive: true });
  const resized = new ResizeObserver(update);
  resized.observe(scroller);
  for (const child of scroller.children) resized.observe(child);
  update();
}
