"""Agreement and capacity reserves held by contract (协议储备): signing, call-up, delivery and renewal.

The design (a contract's lines backed by stock lots booked through the ledger) is told in
:mod:`.service`.
"""
