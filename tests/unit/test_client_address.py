"""The client's address behind reverse proxies: counted from the right of X-Forwarded-For (issue 17.3)."""

import pytest

from config.settings import load_settings
from dashboard.login_state import forwarded_client

NGINX = "127.0.0.1"


@pytest.mark.parametrize("direct, forwarded, proxies, expected", [
    # one proxy (nginx): the address nginx saw is the last entry; whatever the client wrote before it is ignored
    (NGINX, ["203.0.113.7"], 1, "203.0.113.7"),
    (NGINX, ["10.0.0.66, 203.0.113.7"], 1, "203.0.113.7"),
    (NGINX, ["1.1.1.1, 2.2.2.2, 203.0.113.7"], 1, "203.0.113.7"),
    (NGINX, ["spoofed", "203.0.113.7"], 1, "203.0.113.7"),  # several headers are one list
    # two proxies (the kommune's load balancer, then nginx): the second entry from the right
    (NGINX, ["10.0.0.66, 203.0.113.7, 192.168.1.10"], 2, "203.0.113.7"),
    (NGINX, ["203.0.113.7"], 2, "203.0.113.7"),  # fewer entries than proxies: all were written by proxies
    # no proxy trusted: the header is the client's own words
    ("198.51.100.4", ["203.0.113.7"], 0, "198.51.100.4"),
    (None, ["203.0.113.7"], 0, None),
    # no header, an empty one, or not an address where the proxy's entry should be: the connection's address
    (NGINX, [], 1, NGINX),
    (NGINX, [" , "], 1, NGINX),
    (NGINX, ["203.0.113.7, unknown"], 1, NGINX),
    (NGINX, ["203.0.113.7, 10.0.0.1; rm -rf"], 1, NGINX),
    # what proxies write: ports, IPv6 with and without brackets, normalised
    (NGINX, ["203.0.113.7:51234"], 1, "203.0.113.7"),
    (NGINX, ["[2001:db8::1]:443"], 1, "2001:db8::1"),
    (NGINX, ["2001:DB8:0::1"], 1, "2001:db8::1"),
])
def test_the_client_is_counted_from_the_right(direct, forwarded, proxies, expected):
    assert forwarded_client(direct, forwarded, proxies) == expected


def test_the_setting_and_its_older_name():
    assert load_settings({}).trusted_proxies == 0
    assert load_settings({"LAGET_TRUSTED_PROXIES": "2"}).trusted_proxies == 2
    assert load_settings({"LAGET_TRUST_X_FORWARDED_FOR": "1"}).trusted_proxies == 1, "the old flag means one proxy"
    assert load_settings({"LAGET_TRUSTED_PROXIES": "0", "LAGET_TRUST_X_FORWARDED_FOR": "1"}).trusted_proxies == 0
    assert load_settings({"LAGET_LOGIN_DELAY_MAX": "30"}).login_delay_max_seconds == 30
