"""地域づくり screens: ``issues`` (地域課題, their status and actions), ``activities``
(activities and events, 拠点 logs), ``watch`` (見守り helpers, 気づき, import) and ``maps``
(the offline map, boundary import). Thin: forms parse, services act, ``community.policy``
decides and logs."""
