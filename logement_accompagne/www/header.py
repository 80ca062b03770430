"""What the header of every page shows about the signed-in person, cached per session.

The menu (one entry per area, from the person's memberships: 2 queries) and the new-notification
badge (1 count) are the same from one page to the next: they are kept in the default cache for
HEADER_TTL_SECONDS under a key made of

- the session key: a new sign-in (or another person) never reads someone else's header;
- the person's mark (``organisations.freshness``): a membership, the account or a notification
  of this person changed → a new mark → a new entry (in the processes sharing the cache: all of
  them with Redis, else the process that made the change; the others within HEADER_TTL_SECONDS);
- the session's own "seen" mark, written when the person opens the notification centre, so the
  badge disappears on their next page whichever worker serves it.

The cache only spares the header its queries: every view still checks access from the database.
The CSRF token and the "current page" mark are never cached (computed on each request).
"""

import time

from django.core.cache import cache

from logement_accompagne.organisations.freshness import mark_of

HEADER_TTL_SECONDS = 30
SEEN_MARK = "www:notifications_seen"  # in the session: when the person last opened the centre


def header_state(request) -> dict:
    """{"menu": [{"label", "url"}...], "unseen": int} for the signed-in person of the request."""
    state = getattr(request, "_www_header", None)
    if state is not None:
        return state
    user = request.user
    session = getattr(request, "session", None)
    session_key = getattr(session, "session_key", None)
    key = None
    if session_key:
        key = f"www:header:{session_key}:{user.pk}:{mark_of(user.pk)}:{session.get(SEEN_MARK, 0)}"
        state = cache.get(key)
    if state is None:
        from logement_accompagne.organisations.selectors import unseen_count
        from logement_accompagne.www.templatetags.www_tags import menu_for

        state = {"menu": menu_for(user), "unseen": unseen_count(user)}
        if key:
            cache.set(key, state, HEADER_TTL_SECONDS)
    request._www_header = state
    return state


def notifications_seen(request) -> None:
    """The person opened the notification centre: their next page, in any worker, counts afresh."""
    request.session[SEEN_MARK] = time.time_ns()
