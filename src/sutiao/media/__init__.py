"""Audio/video rooms: WebSocket signalling for WebRTC (Channels on an ASGI server). The media itself flows
between the browsers (a mesh: mediation rooms hold a handful of people) or through an SFU a deployment plugs
in (docs/media.md); it never passes through this code.

This package knows rooms, seats and the signalling protocol, not mediations: the platform that hosts rooms
(the investor platform) registers a `rooms.RoomBackend` that decides who may enter, what each seat sees and
which actions the controls run."""
