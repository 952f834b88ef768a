"""Requisition (征用) of goods and equipment for an emergency, their return (归还) and compensation (补偿).

The design (requisitioned units held in a lot of mode requisition, booked and given back through
the ledger; compensation assessed, approved and paid) is told in :mod:`.service`.
"""
