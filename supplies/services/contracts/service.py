"""Agreement and capacity reserves held by contract (协议储备 / 产能储备): ``inv.contracts``.

How a contract sits on the core's invariants:

* **Backed by a lot.** Each line of a contract is a stock lot at the contract's storage point
  (an agreement warehouse or a factory): batch = the contract code (``CODE-vN`` for the N-th
  version), mode agreement or capacity, ``expires_on`` = the last day of validity, the contract's
  guaranteed lead time and the line's unit price. Signing books the contracted quantity into the
  lot with a ``contract`` ledger line referenced ``contract:<code>``, so the balance equals the
  ledger and ``supplies verify`` holds.
* **Counts only while valid.** Allocation and readiness already leave out lots whose expiry is
  past (a lot counts up to and including its ``expires_on``): a contract stops counting the day
  after its ``valid_to``. As for perishable goods, a request needed after the contract's end does
  not count on it either.
* **Never more than contracted less called up.** What is left to call up is the lot's free stock:
  a call-up reserves units of the lot for a request (a ``reserve`` line and an allocation row, as
  allocation does), delivery issues them (``dispatch``). The lot's row lock and its checks
  (reserved never above on hand) make over-calling impossible, however many dispatchers call at
  once. A request allocated the usual way may also take from a contract's lot; that uses up the
  contract as well (the lot's free stock), though without a call-up order. A request's
  ``dispatch`` leaves a call-up's rows reserved: the company's delivery issues them.
* **Delivery is the request's arrival.** ``deliver`` issues the order's reserved rows and books
  what the company delivered at the request's destination through the same path as a request's
  receipt (:func:`~supplies.services.dispatch.arrival.book`), as physical stock (the goods are
  there now; the contract's end is no expiry of theirs). A delivery after the deadline (call-up
  time + guaranteed lead time) or short of the order is recorded against the contract.
* **Renewal keeps the history.** Renewing adds the next version (linked to the one it renews,
  which stays, marked renewed) with a new lot; what was left to call up moves to it through the
  ledger (``contract`` lines out of the old lot and into the new one). Units reserved by open
  call-ups stay in the old lot until delivered.
* **Known gaps.** Reallocating or cancelling a request releases a call-up's reservation like any
  other; its order then stays open and ``deliver`` refuses it (call up again). A contract that
  ends keeps its unused quantity in its lot, which no longer counts (expired) until renewed.

Dispatchers and admins of the point's jurisdiction sign, call up, record delivery and renew;
reads are scoped like points (warehouse staff see the contracts at their points).
"""

from __future__ import annotations

from datetime import date

from ...config import local_today
from .call_ups import CallUps, printed_order
from .queries import Queries, expiry_warning_days
from .results import CallUpResult, ContractDetail, ContractResult
from .signing import Signing, batch_of, reference


class Contracts(Signing, CallUps, Queries):
    """Agreement and capacity reserves held by contract, their call-ups and delivery: ``inv.contracts``.

    Composed of :mod:`.signing` (sign, renew), :mod:`.call_ups` (call up, deliver) and
    :mod:`.queries` (list, expiring, show, report, order); :mod:`.access` holds who may read and act.
    """

    def _today(self) -> date:
        """Today, read here for every part (a test moves this module's ``local_today``)."""
        return local_today()


__all__ = [
    "CallUpResult",
    "ContractDetail",
    "ContractResult",
    "Contracts",
    "batch_of",
    "expiry_warning_days",
    "printed_order",
    "reference",
]
