"""The platform CA's revocation lists, at the address its certificates name (`SUTIAO_CA_CRL_URL`, by default
`<BASE_URL>/ca`, + `/issuing.crl`, `/root.crl`): a verifier that does not take the CRLs a signed PDF carries
(PAdES B-LT) fetches them here. Public and unauthenticated, as RFC 5280 §4.2.1.13 distribution points are; the
CRL is signed by the CA, so it needs no other protection."""

from cryptography.hazmat.primitives import serialization
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from .ca import authority

# A verifier may keep a CRL until its nextUpdate (seven days); a shared cache only this long, so a revocation
# reaches those who ask within minutes (ca.CRL_REFRESH bounds how old the CRL made on the platform is).
CRL_MAX_AGE = 300


@require_GET
def crl(request, which: str) -> HttpResponse:
    """The DER CRL of the issuing CA (`issuing`) or of the root (`root`)."""
    ca = authority()
    issuers = {"issuing": ca.chain()[0].subject, "root": ca.trust_roots()[0].subject}
    if which not in issuers:
        raise Http404("no such CRL")
    found = next((c for c in ca.crls() if c.issuer == issuers[which]), None)
    if found is None:
        raise Http404("no such CRL")
    response = HttpResponse(found.public_bytes(serialization.Encoding.DER), content_type="application/pkix-crl")
    response["Cache-Control"] = f"public, max-age={CRL_MAX_AGE}"
    response["Content-Disposition"] = f'inline; filename="{which}.crl"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
