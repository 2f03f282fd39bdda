# storefront, branch main (git checkout main; what the team reads and runs locally).
import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

LISTEN_PORT = int(os.environ.get("LISTEN_PORT", "8080"))
# Full base URL of the ratings service; the name is ours alone, so nothing else sets it.
RATINGS_URL = os.environ.get("STOREFRONT_RATINGS_URL", "http://ratings.shop.svc.cluster.local:8080")


def fetch_ratings(product_id):
    try:
        resp = requests.get(f"{RATINGS_URL}/ratings/{product_id}", timeout=2)
        resp.raise_for_status()
        return resp.json()
    except requests.RequestException as err:
        print(f"ratings call failed: {err}", flush=True)
        return None


class Pages(BaseHTTPRequestHandler):
    def do_GET(self):
        product_id = self.path.rstrip("/").rsplit("/", 1)[-1]
        ratings = fetch_ratings(product_id)
        if ratings is None:
            block = '<p class="rating-error">Ratings are unavailable for this product right now.</p>'
        else:
            block = f'<p class="rating">{ratings["stars"]} / 5 ({ratings["count"]} ratings)</p>'
        page = f"<html><body><h1>Product {product_id}</h1>{block}</body></html>\n"
        self.send_response(200)
        self.send_header("content-type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(page.encode())


ThreadingHTTPServer(("", LISTEN_PORT), Pages).serve_forever()
