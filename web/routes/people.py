"""The secretariat's people and members: invite, change a role, designate a focal point,
deactivate. Each change is the store's operation the command line uses."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from napreview.people.invitations import INVITE, send_link
from napreview.schemas.members import Location, Role
from napreview.services import members as member_ops
from napreview.services import users
from napreview.services.errors import ConflictError, NotFoundError
from napreview.services.inputs import UnfitText
from napreview.services.refusals import require_secretariat
from napreview.web.web import (
    ChangeFormDep,
    OversightDep,
    PortalDep,
    SecretariatDep,
    portal_of,
    render,
    see_other,
)

router = APIRouter()


def _people(request: Request, **extra: object) -> Response:
    portal = portal_of(request)
    status = int(extra.pop("status", 200))  # type: ignore[call-overload]
    return render(
        request,
        "people.html",
        {
            "people": portal.accounts.people(),
            "members": member_ops.every_member(portal.store),
            **extra,
        },
        status=status,
    )


@router.get("/people")
def people_page(request: Request, v: SecretariatDep, done: str = "") -> Response:
    return _people(request, done=done)


@router.post("/people/{action}")
def people_action(
    request: Request, action: str, v: OversightDep, form: ChangeFormDep, portal: PortalDep
) -> Response:
    assert v.actor is not None
    require_secretariat(portal.store, v.actor, "manage_people")
    email = str(form.get("email") or "").strip().lower()
    try:
        if action == "add":
            role = Role(str(form.get("role") or ""))
            member = str(form.get("member") or "") or None
            users.add_user(
                portal.store, v.actor, email, role, member if role is Role.FOCAL_POINT else None
            )
        elif action == "focal-point":
            users.designate_focal_point(
                portal.store,
                v.actor,
                str(form.get("member") or ""),
                name=str(form.get("name") or "").strip(),
                email=email,
                title=str(form.get("title") or "").strip() or None,
                ministry=str(form.get("ministry") or "").strip() or None,
                location=Location(str(form.get("location") or "capital")),
            )
        elif action == "deputy":
            users.designate_deputy(
                portal.store,
                v.actor,
                str(form.get("member") or ""),
                name=str(form.get("name") or "").strip(),
                email=email,
            )
        elif action == "invite":
            sent = send_link(
                portal.store,
                email,
                INVITE,
                base_url=portal.options.url,
                settings=portal.settings,
                created_by=v.email,
            )
            return _people(
                request, done="invited", link=sent.link, invited=email, not_sent=sent.not_sent
            )
        elif action in ("deactivate", "activate"):
            if email == v.email:
                return _people(request, error="self", status=409)
            portal.accounts.set_active(email, action == "activate")
        else:
            return _people(request, error="unknown", status=404)
    except UnfitText as err:
        typed = {k: str(v) for k, v in form.items() if k != "csrf_token"}
        return _people(request, unfit=err, unfit_form=action, typed=typed, status=422)
    except (ConflictError, NotFoundError, ValueError) as err:
        return _people(request, error="refused", reason=str(err), status=409)
    return see_other(f"/people?done={action}")


@router.get("/members")
def members_page(request: Request, v: OversightDep, portal: PortalDep) -> Response:
    members = member_ops.every_member(portal.store)
    focal = member_ops.focal_points_of(portal.store, members)
    return render(request, "members.html", {"members": members, "focal": focal})
