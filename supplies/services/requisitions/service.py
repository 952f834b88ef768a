"""Requisition (征用) for an emergency, return (归还) and compensation (补偿): ``inv.requisitions``.

How a requisition sits on the core's invariants:

* **Held in a lot, booked by the ledger.** A requisition order names the authority that issued it,
  its legal basis (free text, e.g. 《突发事件应对法》), the owner (a person or a company), the storage
  point that holds the goods, the start time, and per item the units, their assessed unit value
  and, for equipment, a daily rate. Each item is a lot at the point (batch ``ZY-<id>``, reserve
  mode ``requisition``, unit cost = the assessed value) booked with a ``requisition_in`` ledger line
  referenced ``requisition:<id>``. Requisition lots are free stock like physical stock: allocated,
  dispatched, issued and counted for readiness the same way; only a requisition opens one
  (``stock receive`` refuses the mode).
* **Return from the requisition's lot.** What is given back (good or damaged) leaves the
  requisition's lot at its point with a ``requisition_return`` line; units recorded lost are
  written off (``write_off`` line with the reason, same reference). Both take only the lot's free
  units, so one can never return or lose more than is held from the requisition. Units that left
  the lot (dispatched, issued, distributed) are consumed, unless they are brought back into it
  first (they keep the batch and mode wherever they go, so a transfer back lands in the same lot).
* **Compensation.** ``assess`` closes the requisition once its lots are empty (what is still held
  must be returned or recorded lost first) and writes the compensation, itemised: consumed units
  (requisitioned − returned − lost) and lost units at the assessed unit value; for equipment with a
  daily rate, the units given back × the days held (each started day counts, at least one) × the
  rate; and the damage assessed for units given back damaged (the sum given with those returns, or
  the assessor's figure). Good units cost nothing beyond their days of use. Money is Decimal with
  two places, rounded half up; never a float.
* **Assessed → approved → paid**, each step with who and when. Dispatchers and admins of the
  point's jurisdiction requisition and assess; an admin of the jurisdiction approves, never the one
  who assessed it (four eyes on public money); an admin records the payment with its reference
  (voucher or transfer number).
* **Personal data.** A person's ID number is checked as one and never kept: only its first four
  and last four characters and its length, for the masked form ``5201**********1234``; no message
  repeats it. A company's unified social credit code (checked against GB 32100-2015) is public
  registration data and is kept whole. The requisition report names the owner but carries neither.

Returns are recorded by the point's warehouse staff and the admins and dispatchers of its
jurisdiction; reads are scoped like points.
"""

from __future__ import annotations

from .access import batch_of, days_held, reference
from .compensating import Compensating, printed_compensation
from .giving_back import GivingBack
from .queries import Queries
from .results import CompensationResult, RequisitionDetail, RequisitionResult, ReturnResult
from .taking import Taking


class Requisitions(Taking, GivingBack, Compensating, Queries):
    """Requisitions, returns to the owner and their compensation: ``inv.requisitions``.

    Composed of :mod:`.taking` (add), :mod:`.giving_back` (record_return), :mod:`.compensating`
    (assess, approve, pay) and :mod:`.queries` (list, show, compensation, unpaid, report);
    :mod:`.access` holds who may act and the scoped look-ups.
    """


__all__ = [
    "CompensationResult",
    "RequisitionDetail",
    "RequisitionResult",
    "Requisitions",
    "ReturnResult",
    "batch_of",
    "days_held",
    "printed_compensation",
    "reference",
]
