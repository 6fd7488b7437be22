'use client';
import { useState } from 'react';

/**
 * The cursors of the pages a list was paged through (the last one is the page shown), for the
 * filters named by `filterKey`: other filters start again at the first page.
 */
export function usePageCursors(filterKey: string): [string[], (cursors: string[]) => void] {
  const [pages, setPages] = useState<{ filterKey: string; cursors: string[] }>({ filterKey, cursors: [] });
  const cursors = pages.filterKey === filterKey ? pages.cursors : [];
  return [cursors, (next) => setPages({ filterKey, cursors: next })];
}
