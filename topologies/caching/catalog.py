"""The caching lab's slow backend: a product catalog that takes a second per answer.

GET /api/products/ID  (ID: a whole number, 1 to 10 digits)  ->  {"id", "name", "price"} as JSON

The answer for an ID never changes, so a cache can keep it; the second of sleep stands for the
expensive query a real backend would make. nginx's access log (/var/log/nginx/access.log) shows
every request that reached it.
"""

import json
import re
import time

DELAY_SECONDS = 1.0
PRODUCT = re.compile(r"^/products/([0-9]{1,10})$")


def application(environ, start_response):
    match = PRODUCT.match(environ.get("PATH_INFO", ""))
    if environ["REQUEST_METHOD"] != "GET" or match is None:
        return answer(start_response, "404 Not Found", {"error": "GET /api/products/ID"})
    time.sleep(DELAY_SECONDS)
    number = int(match[1])
    product = {
        "id": number,
        "name": f"product {number}",
        "price": (number * 7919) % 10000 / 100,
    }
    return answer(start_response, "200 OK", product)


def answer(start_response, status, document):
    body = (json.dumps(document) + "\n").encode()
    start_response(
        status,
        [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
    )
    return [body]
