"""The method's guidance: rules the review cannot pass without saying why."""
