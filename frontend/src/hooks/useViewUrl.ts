/** The view lives in the page URL (replaceState, no history spam), so a copied link reopens the same view. */
import { useCallback, useEffect, useState } from 'react';
import { searchFromView, viewFromSearch, type ViewState } from '../lib/urls';

export function useViewUrl(): [ViewState, (patch: Partial<ViewState>) => void] {
  const [view, setView] = useState<ViewState>(() => viewFromSearch(window.location.search));
  useEffect(() => {
    const search = searchFromView(view);
    if (search !== window.location.search) window.history.replaceState(null, '', search);
  }, [view]);
  const update = useCallback((patch: Partial<ViewState>) => setView((v) => ({ ...v, ...patch })), []);
  return [view, update];
}
