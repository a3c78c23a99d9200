"""Domain errors for bookings; pages and the API show their message."""

from ledger.errors import MoneyError


class BookingError(MoneyError):
    default_message = "That booking action could not be done."


class NotYourBooking(BookingError):
    default_message = "This booking is not yours to change."


class InvalidTransition(BookingError):
    default_message = "This booking cannot do that now."


class CapacityFull(BookingError):
    default_message = "This offer is full. Choose another start date or another offer."


class CategoryNotAllowed(BookingError):
    default_message = "Your budget cannot be spent on this kind of support."


class OfferNotBookable(BookingError):
    default_message = "This offer cannot be booked at the moment."


class NoActiveBudget(BookingError):
    default_message = (
        "You do not have a budget to spend. Claim your budget with your invitation code."
    )


class AlreadyReviewed(BookingError):
    default_message = "You have already reviewed this booking."
