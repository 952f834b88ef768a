"""Donations of goods (社会捐赠): donors, pledges, receipts triaged on arrival, restrictions, the letter and the disclosure.

The design (receipts booked through the ledger into donation lots that carry the donor's
restriction) is told in :mod:`.service`.
"""
