from ninja import Router

router = Router(tags=["sheets"])
