"""The agenda pages' one blueprint (`agenda`): `views` and the view modules it imports add
their routes to it, and the app registers it from `views`."""

from flask import Blueprint

bp = Blueprint("agenda", __name__)
