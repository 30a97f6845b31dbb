// The audience editor's only script of its own: what the server cannot do from afar.

/** Selects characters start (included) to end (excluded) of a textarea and scrolls them into view. */
export function select(textarea, start, end) {
    if (!textarea) return;
    textarea.focus();
    textarea.setSelectionRange(start, end);
}

/** Keeps the highlighting layer behind a textarea scrolled with it. */
export function follow(textarea, backdrop) {
    if (!textarea || !backdrop || textarea.dataset.follows) return;
    textarea.dataset.follows = "true";
    textarea.addEventListener("scroll", () => {
        backdrop.scrollTop = textarea.scrollTop;
        backdrop.scrollLeft = textarea.scrollLeft;
    });
}
