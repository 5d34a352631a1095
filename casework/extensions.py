"""Flask extensions, created unbound and initialised by the application factory."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from casework.models.base import Base

# The models subclass our own typed DeclarativeBase (casework.models.base.Base) so that they import
# nothing of the application; Flask-SQLAlchemy only needs to share its metadata.
db = SQLAlchemy(metadata=Base.metadata)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
